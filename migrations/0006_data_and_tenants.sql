CREATE TYPE "public"."cita_change_kind" AS ENUM('cita.created', 'cita.updated', 'cita.cancelled', 'cita.deleted', 'cita.conflict', 'cita.synced', 'cita.sync_failed');--> statement-breakpoint
CREATE TYPE "public"."cita_change_origin" AS ENUM('rv3', 'ghl', 'reconcile');--> statement-breakpoint
CREATE TABLE "cita_changes" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "cita_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"position" bigint,
	"cita_id" uuid NOT NULL,
	"location_id" text NOT NULL,
	"kind" "cita_change_kind" NOT NULL,
	"origin" "cita_change_origin" NOT NULL,
	"changed" text[] NOT NULL,
	"cita" jsonb NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "cita_changes_position_unique" UNIQUE("position")
);
--> statement-breakpoint
CREATE TABLE "feed_head" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ghl_blocked_slots" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"calendar_id" text,
	"assigned_user_id" text,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"title" text,
	"deleted_at" timestamp with time zone,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ghl_calendars" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"time_zone" text,
	"is_active" boolean DEFAULT true NOT NULL,
	"team_member_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"slot_minutes" integer,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workflow_secrets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"location_id" text NOT NULL,
	"name" text NOT NULL,
	"secret_hash" text NOT NULL,
	"secret_prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "workflow_secrets_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
ALTER TABLE "citas" ADD COLUMN "ghl_notes" text;--> statement-breakpoint
ALTER TABLE "citas" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "citas" ADD COLUMN "conflict_with" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
CREATE INDEX "cita_changes_unsequenced_idx" ON "cita_changes" USING btree ("seq") WHERE "cita_changes"."position" is null;--> statement-breakpoint
CREATE INDEX "cita_changes_location_position_idx" ON "cita_changes" USING btree ("location_id","position");--> statement-breakpoint
CREATE INDEX "ghl_blocked_slots_location_start_idx" ON "ghl_blocked_slots" USING btree ("location_id","start_at");--> statement-breakpoint
CREATE INDEX "ghl_calendars_location_idx" ON "ghl_calendars" USING btree ("location_id");--> statement-breakpoint
CREATE INDEX "workflow_secrets_location_idx" ON "workflow_secrets" USING btree ("location_id");--> statement-breakpoint
CREATE UNIQUE INDEX "citas_location_external_id_idx" ON "citas" USING btree ("location_id","external_id") WHERE "citas"."external_id" is not null;--> statement-breakpoint
CREATE INDEX "citas_location_updated_idx" ON "citas" USING btree ("location_id","updated_at");--> statement-breakpoint
-- Written by hand from here (drizzle-kit cannot express these).
-- The feed's one head row: the sequencer locks it, so positions are handed out in commit order.
ALTER TABLE "feed_head" ADD CONSTRAINT "feed_head_single_row" CHECK ("id" = 1);--> statement-breakpoint
INSERT INTO "feed_head" ("id", "position") VALUES (1, 0);--> statement-breakpoint
-- GHL's own published AppointmentCreate has startTime = endTime: zero-length appointments are
-- real data and must be mirrored, so only a negative length is refused.
ALTER TABLE "citas" DROP CONSTRAINT "citas_time_order";--> statement-breakpoint
ALTER TABLE "citas" ADD CONSTRAINT "citas_time_order" CHECK ("start_at" <= "end_at" AND "end_at" <= "blocked_until");--> statement-breakpoint
-- The same no-overlap rule as 0005, for citas not already flagged as in conflict. Staff writes
-- check every active cita first and are refused on overlap; a booking GHL accepted that overlaps
-- is a fact, stored with conflict_with set on both sides, which takes both out of this rule.
-- A race between two unflagged writes still ends in 23P01 for one of them, as before.
ALTER TABLE "citas" DROP CONSTRAINT "citas_no_overlap";--> statement-breakpoint
ALTER TABLE "citas" ADD CONSTRAINT "citas_no_overlap" EXCLUDE USING gist (
	tstzrange("start_at", "blocked_until", '[)') WITH &&,
	("calendar_id" COLLATE "C") WITH =,
	(coalesce("assigned_user_id", '') COLLATE "C") WITH =
) WHERE ("status" IN ('new', 'confirmed', 'showed', 'active', 'completed') AND "deleted_at" IS NULL AND cardinality("conflict_with") = 0);
