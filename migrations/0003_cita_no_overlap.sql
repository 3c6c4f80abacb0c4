-- Written by hand: drizzle-kit cannot express exclusion constraints (see packages/db/src/schema/citas.ts).
-- Postgres itself refuses two slot-holding citas whose [start_at, blocked_until) ranges overlap on the
-- same calendar and assigned user, so concurrent bookings cannot both win (violations raise 23P01).
CREATE EXTENSION IF NOT EXISTS btree_gist;--> statement-breakpoint
ALTER TABLE "citas" ADD CONSTRAINT "citas_time_order" CHECK ("start_at" < "end_at" AND "end_at" <= "blocked_until");--> statement-breakpoint
ALTER TABLE "citas" ADD CONSTRAINT "citas_no_overlap" EXCLUDE USING gist (
	"calendar_id" WITH =,
	(coalesce("assigned_user_id", '')) WITH =,
	tstzrange("start_at", "blocked_until", '[)') WITH &&
) WHERE ("status" IN ('new', 'confirmed', 'showed', 'active', 'completed') AND "deleted_at" IS NULL);
