-- Email addresses encrypted at rest. Existing rows stay valid: the blind index is added as a
-- nullable column, and users.email / user_tokens.new_email keep their plaintext until the
-- start-up data step (src/db/email-encryption-step.ts) replaces it with ciphertext and fills
-- email_bidx. The new unique index comes before the old one goes. NULLs do not collide, so it
-- accepts every existing row.

-- AlterTable
ALTER TABLE "users" ADD COLUMN     "email_bidx" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_provider_email_bidx_key" ON "users"("provider", "email_bidx");

-- DropIndex
-- Ciphertext uses a random IV, so uniqueness of the stored value says nothing. The blind index
-- enforces one account per address and provider.
DROP INDEX "users_provider_email_key";
