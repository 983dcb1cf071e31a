-- AlterTable
ALTER TABLE "projects" ADD COLUMN     "search_vector" tsvector;

-- CreateTable
CREATE TABLE "project_stats" (
    "id" SERIAL NOT NULL,
    "day" DATE NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "project_stats_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "project_stats_day_key" ON "project_stats"("day");

-- CreateIndex
CREATE INDEX "projects_search_vector_idx" ON "projects" USING GIN ("search_vector");
