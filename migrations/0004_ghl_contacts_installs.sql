CREATE TABLE "ghl_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"location_id" text NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"data" jsonb NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ghl_installs" (
	"resource_id" text PRIMARY KEY NOT NULL,
	"company_id" text,
	"installed" boolean NOT NULL,
	"last_event_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ghl_contacts_location_idx" ON "ghl_contacts" USING btree ("location_id");