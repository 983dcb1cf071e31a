-- DropIndex
DROP INDEX "projects_achieved_passing_at_idx";

-- DropIndex
DROP INDEX "projects_created_at_idx";

-- DropIndex
DROP INDEX "projects_homepage_url_idx";

-- DropIndex
DROP INDEX "projects_tiered_percentage_idx";

-- DropIndex
DROP INDEX "projects_updated_at_idx";

-- DropIndex
DROP INDEX "projects_user_id_idx";

-- CreateIndex
CREATE INDEX "projects_user_id_created_at_id_idx" ON "projects"("user_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_homepage_url_created_at_id_idx" ON "projects"("homepage_url", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_tiered_percentage_created_at_id_idx" ON "projects"("tiered_percentage", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_created_at_id_idx" ON "projects"("created_at", "id");

-- CreateIndex
CREATE INDEX "projects_updated_at_id_idx" ON "projects"("updated_at", "id");

-- CreateIndex
CREATE INDEX "projects_name_created_at_id_idx" ON "projects"("name", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_achieved_passing_at_created_at_id_idx" ON "projects"("achieved_passing_at", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_achieved_silver_at_created_at_id_idx" ON "projects"("achieved_silver_at", "created_at", "id");

-- CreateIndex
CREATE INDEX "projects_achieved_gold_at_created_at_id_idx" ON "projects"("achieved_gold_at", "created_at", "id");

-- The search index takes new entries directly instead of through a pending list: with the list
-- on, rows saved since the last VACUUM are found only by a linear scan of that list, and the
-- planner (rightly) costs every search as if the list were long. Writes are rare here (a save is
-- one row), so the slower insert into the index costs nothing a user notices.
ALTER INDEX "projects_search_vector_idx" SET (fastupdate = off);
