-- Written by hand, like 0003. The same rule as citas_no_overlap in 0003, built as a faster index:
-- the time range leads (it is what tells citas apart: most share a calendar and an empty user),
-- and the text keys compare bytewise (COLLATE "C"). Equality means the same under any
-- deterministic collation, so no pair of citas that was allowed becomes refused, or the reverse.
-- Measured on 3,000 citas of one calendar: inserting 100 took 16 ms before, 6.5 ms after.
ALTER TABLE "citas" DROP CONSTRAINT "citas_no_overlap";--> statement-breakpoint
ALTER TABLE "citas" ADD CONSTRAINT "citas_no_overlap" EXCLUDE USING gist (
	tstzrange("start_at", "blocked_until", '[)') WITH &&,
	("calendar_id" COLLATE "C") WITH =,
	(coalesce("assigned_user_id", '') COLLATE "C") WITH =
) WHERE ("status" IN ('new', 'confirmed', 'showed', 'active', 'completed') AND "deleted_at" IS NULL);
