-- The designer's second pass (issue 11): a call record says when the caller reached a person — the
-- moment a queue's agent or a transfer's far end answers (`agent.connected`), so a call's story reads
-- "Talked to someone" rather than "Left the flow at the queue".

INSERT INTO call_event_types (type) VALUES ('agent.connected') ON CONFLICT DO NOTHING;
