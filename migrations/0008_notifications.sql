-- Outbound webhooks to RV3 (Standard Webhooks): endpoints, one delivery per endpoint and change,
-- one row per HTTP attempt, and how far the dispatcher has fanned the change feed out.
-- Written by hand in drizzle-kit's style; the tables are in packages/db/src/schema/notification-*.ts.
-- change_seq has no foreign key: the change log is append-only, and a key would stop anything
-- from truncating or pruning it without knowing about deliveries.
CREATE TYPE "public"."notification_delivery_status" AS ENUM('pending', 'queued', 'delivered', 'failed');--> statement-breakpoint
CREATE TABLE "notification_endpoints" (
	"id" uuid PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"location_ids" text[] NOT NULL,
	"kinds" "cita_change_kind"[] DEFAULT '{}' NOT NULL,
	"secret_sealed" text NOT NULL,
	"secret_hint" text NOT NULL,
	"previous_secret_sealed" text,
	"previous_secret_until" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"disabled_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_deliveries" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notification_deliveries_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"endpoint_id" uuid NOT NULL,
	"change_seq" bigint NOT NULL,
	"position" bigint NOT NULL,
	"cita_id" uuid NOT NULL,
	"status" "notification_delivery_status" DEFAULT 'pending' NOT NULL,
	"generation" integer DEFAULT 0 NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_status_code" integer,
	"last_error" text,
	"last_latency_ms" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone,
	"last_attempt_at" timestamp with time zone,
	"next_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	CONSTRAINT "notification_deliveries_endpoint_change_unique" UNIQUE("endpoint_id","change_seq")
);
--> statement-breakpoint
CREATE TABLE "notification_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notification_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"delivery_id" bigint NOT NULL,
	"attempt" integer NOT NULL,
	"status_code" integer,
	"error" text,
	"latency_ms" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_cursor" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"position" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "notification_deliveries" ADD CONSTRAINT "notification_deliveries_endpoint_id_notification_endpoints_id_fk" FOREIGN KEY ("endpoint_id") REFERENCES "public"."notification_endpoints"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_delivery_id_notification_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."notification_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- At most one delivery per (endpoint, cita) in the queue: the order per cita rests on it.
CREATE UNIQUE INDEX "notification_deliveries_one_queued_idx" ON "notification_deliveries" USING btree ("endpoint_id","cita_id") WHERE "notification_deliveries"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "notification_deliveries_pending_idx" ON "notification_deliveries" USING btree ("endpoint_id","cita_id","position") WHERE "notification_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "notification_deliveries_endpoint_position_idx" ON "notification_deliveries" USING btree ("endpoint_id","position");--> statement-breakpoint
CREATE INDEX "notification_attempts_delivery_idx" ON "notification_attempts" USING btree ("delivery_id");--> statement-breakpoint
-- The cursor's one row, starting at the feed's head: no endpoint exists yet to hear older changes.
ALTER TABLE "notification_cursor" ADD CONSTRAINT "notification_cursor_single_row" CHECK ("id" = 1);--> statement-breakpoint
INSERT INTO "notification_cursor" ("id", "position") SELECT 1, coalesce((SELECT "position" FROM "feed_head" WHERE "id" = 1), 0);
