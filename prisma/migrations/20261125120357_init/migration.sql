-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'local',
    "uid" TEXT,
    "name" TEXT NOT NULL,
    "nickname" TEXT,
    "email" TEXT,
    "password_digest" TEXT,
    "role" TEXT,
    "activated" BOOLEAN NOT NULL DEFAULT false,
    "activated_at" TIMESTAMPTZ(6),
    "preferred_locale" TEXT NOT NULL DEFAULT 'en',
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "last_login_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" SERIAL NOT NULL,
    "user_id" INTEGER NOT NULL,
    "name" TEXT,
    "description" TEXT,
    "homepage_url" TEXT,
    "repo_url" TEXT,
    "license" TEXT,
    "implementation_languages" TEXT NOT NULL DEFAULT '',
    "cpe" TEXT,
    "general_comments" TEXT,
    "entry_locale" TEXT NOT NULL DEFAULT 'en',
    "lock_version" INTEGER NOT NULL DEFAULT 0,
    "answers" JSONB NOT NULL DEFAULT '{}',
    "badge_percentage_0" INTEGER DEFAULT 0,
    "badge_percentage_1" INTEGER NOT NULL DEFAULT 0,
    "badge_percentage_2" INTEGER NOT NULL DEFAULT 0,
    "badge_percentage_baseline_1" INTEGER DEFAULT 0,
    "badge_percentage_baseline_2" INTEGER DEFAULT 0,
    "badge_percentage_baseline_3" INTEGER DEFAULT 0,
    "tiered_percentage" INTEGER NOT NULL DEFAULT 0,
    "baseline_tiered_percentage" INTEGER NOT NULL DEFAULT 0,
    "achieved_passing_at" TIMESTAMPTZ(6),
    "achieved_silver_at" TIMESTAMPTZ(6),
    "achieved_gold_at" TIMESTAMPTZ(6),
    "achieved_baseline_1_at" TIMESTAMPTZ(6),
    "achieved_baseline_2_at" TIMESTAMPTZ(6),
    "achieved_baseline_3_at" TIMESTAMPTZ(6),
    "first_achieved_passing_at" TIMESTAMPTZ(6),
    "first_achieved_silver_at" TIMESTAMPTZ(6),
    "first_achieved_gold_at" TIMESTAMPTZ(6),
    "first_achieved_baseline_1_at" TIMESTAMPTZ(6),
    "first_achieved_baseline_2_at" TIMESTAMPTZ(6),
    "first_achieved_baseline_3_at" TIMESTAMPTZ(6),
    "lost_passing_at" TIMESTAMPTZ(6),
    "lost_silver_at" TIMESTAMPTZ(6),
    "lost_gold_at" TIMESTAMPTZ(6),
    "lost_baseline_1_at" TIMESTAMPTZ(6),
    "lost_baseline_2_at" TIMESTAMPTZ(6),
    "lost_baseline_3_at" TIMESTAMPTZ(6),
    "passing_saved" BOOLEAN NOT NULL DEFAULT false,
    "silver_saved" BOOLEAN NOT NULL DEFAULT false,
    "gold_saved" BOOLEAN NOT NULL DEFAULT false,
    "baseline_1_saved" BOOLEAN NOT NULL DEFAULT false,
    "baseline_2_saved" BOOLEAN NOT NULL DEFAULT false,
    "baseline_3_saved" BOOLEAN NOT NULL DEFAULT false,
    "repo_url_updated_at" TIMESTAMPTZ(6),
    "last_reminder_at" TIMESTAMPTZ(6),
    "disabled_reminders" BOOLEAN NOT NULL DEFAULT false,
    "unreported_badge_loss" INTEGER NOT NULL DEFAULT 0,
    "unreported_baseline_badge_loss" INTEGER NOT NULL DEFAULT 0,
    "unreported_badge_warning" INTEGER NOT NULL DEFAULT 0,
    "unreported_baseline_badge_warning" INTEGER NOT NULL DEFAULT 0,
    "badge_warning_effective_date" DATE,
    "last_loss_sent_at" TIMESTAMPTZ(6),
    "last_warning_sent_at" TIMESTAMPTZ(6),
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "additional_rights" (
    "id" SERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "user_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "additional_rights_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "sid" VARCHAR NOT NULL,
    "sess" JSON NOT NULL,
    "expire" TIMESTAMP(6) NOT NULL,

    CONSTRAINT "session_pkey" PRIMARY KEY ("sid")
);

-- CreateIndex
CREATE INDEX "users_provider_uid_idx" ON "users"("provider", "uid");

-- CreateIndex
CREATE UNIQUE INDEX "users_provider_email_key" ON "users"("provider", "email");

-- CreateIndex
CREATE UNIQUE INDEX "projects_repo_url_key" ON "projects"("repo_url");

-- CreateIndex
CREATE INDEX "projects_user_id_idx" ON "projects"("user_id");

-- CreateIndex
CREATE INDEX "projects_homepage_url_idx" ON "projects"("homepage_url");

-- CreateIndex
CREATE INDEX "projects_tiered_percentage_idx" ON "projects"("tiered_percentage");

-- CreateIndex
CREATE INDEX "projects_created_at_idx" ON "projects"("created_at");

-- CreateIndex
CREATE INDEX "projects_updated_at_idx" ON "projects"("updated_at");

-- CreateIndex
CREATE INDEX "projects_achieved_passing_at_idx" ON "projects"("achieved_passing_at");

-- CreateIndex
CREATE INDEX "additional_rights_project_id_idx" ON "additional_rights"("project_id");

-- CreateIndex
CREATE UNIQUE INDEX "additional_rights_user_id_project_id_key" ON "additional_rights"("user_id", "project_id");

-- CreateIndex
CREATE INDEX "IDX_session_expire" ON "session"("expire");

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "additional_rights" ADD CONSTRAINT "additional_rights_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "additional_rights" ADD CONSTRAINT "additional_rights_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
