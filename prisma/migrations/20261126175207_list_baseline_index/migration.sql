-- CreateIndex
CREATE INDEX "projects_baseline_tiered_percentage_created_at_id_idx" ON "projects"("baseline_tiered_percentage", "created_at", "id");
