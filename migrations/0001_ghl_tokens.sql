CREATE TYPE "public"."ghl_token_status" AS ENUM('active', 'needs_reauth');--> statement-breakpoint
CREATE TYPE "public"."ghl_user_type" AS ENUM('Location', 'Company');--> statement-breakpoint
CREATE TABLE "ghl_tokens" (
	"resource_id" text PRIMARY KEY NOT NULL,
	"user_type" "ghl_user_type" NOT NULL,
	"company_id" text,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text,
	"expires_at" timestamp with time zone NOT NULL,
	"scopes" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"status" "ghl_token_status" DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
