-- An API token may be limited to a role below its user's: a CI job that only publishes gets a
-- publisher token from an admin. NULL: the token acts with its user's role. The lower of the
-- token's and the user's role always applies (a user later demoted takes their tokens down too).
ALTER TABLE api_tokens ADD COLUMN role text CHECK (role IN ('viewer', 'designer', 'publisher', 'admin'));
