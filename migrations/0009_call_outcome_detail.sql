-- Why a call ended as it did, in words, where the outcome alone does not say: the overload reason of a
-- call refused with 503 ("overload: 21 new calls in the last second (limit 20)"), the fault of a call
-- whose media could not be set up. Calls refused or failed before their flow started are recorded with
-- outcome 'refused' or 'failed-setup' (no flow, started_at = ended_at), so a busy hour's refusals show in
-- the call records and reports, not only in metrics. Never carries a caller's digits.
ALTER TABLE calls ADD COLUMN outcome_detail text CHECK (outcome_detail IS NULL OR length(outcome_detail) <= 300);
