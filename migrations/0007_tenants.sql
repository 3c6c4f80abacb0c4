-- Who vouched for a webhook event: {"kind":"app"} (GHL's signature) or
-- {"kind":"workflow","locationId":…,"secretId":…} (a location's workflow secret), so a replay
-- is checked against the same rule as the first delivery. Null on rows written before.
ALTER TABLE "webhook_events" ADD COLUMN "source" jsonb;
