-- CreateTable
CREATE TABLE "automation_runs" (
    "id" BIGSERIAL NOT NULL,
    "project_id" INTEGER NOT NULL,
    "level" TEXT NOT NULL,
    "requested_by_id" INTEGER,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "run_after" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "claimed_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "github_token" TEXT,
    "repo_url" TEXT,
    "result" JSONB,
    "last_error" TEXT,
    "request_id" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "automation_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "automation_runs_status_run_after_idx" ON "automation_runs"("status", "run_after");

-- CreateIndex
CREATE INDEX "automation_runs_project_id_level_created_at_idx" ON "automation_runs"("project_id", "level", "created_at");

-- CreateIndex
CREATE INDEX "automation_runs_requested_by_id_idx" ON "automation_runs"("requested_by_id");

-- AddForeignKey
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "automation_runs" ADD CONSTRAINT "automation_runs_requested_by_id_fkey" FOREIGN KEY ("requested_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
