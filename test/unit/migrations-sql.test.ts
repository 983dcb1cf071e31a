import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cannotRunInTransaction, splitSqlStatements } from '../../src/db/migrate.ts';
import { findProjectRoot, projectRoot } from '../../src/paths.ts';

describe('splitSqlStatements', () => {
  it('splits at top-level semicolons and drops leading comments', () => {
    const sql = '-- first\nCREATE TABLE a (id int);\n/* block /* nested */ still */\nCREATE TABLE b (id int)\n';
    expect(splitSqlStatements(sql).map((s) => s.text)).toEqual(['CREATE TABLE a (id int)', 'CREATE TABLE b (id int)']);
  });

  it('keeps semicolons inside strings, identifiers, dollar quotes and comments', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y');",
      'CREATE TABLE "odd;name" (id int);',
      'DO $body$ BEGIN PERFORM 1; END $body$;',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;',
      'SELECT 1 -- trailing; comment',
    ].join('\n');
    expect(splitSqlStatements(sql).map((s) => s.text)).toEqual([
      "INSERT INTO t VALUES ('a;b', 'it''s;', E'x\\';y')",
      'CREATE TABLE "odd;name" (id int)',
      'DO $body$ BEGIN PERFORM 1; END $body$',
      'CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$',
      'SELECT 1 -- trailing; comment',
    ]);
  });

  it('reports where each statement starts in the file', () => {
    const sql = 'SELECT 1;\n  -- note\n  SELECT 2;';
    const [, second] = splitSqlStatements(sql);
    expect(second?.offset).toBe(sql.indexOf('SELECT 2'));
  });
});

describe('cannotRunInTransaction', () => {
  it.each([
    'CREATE INDEX CONCURRENTLY i ON t (c)',
    'create unique index concurrently "i" on t (c)',
    'DROP INDEX CONCURRENTLY i',
    'REINDEX INDEX CONCURRENTLY i',
    'ALTER TABLE p DETACH PARTITION c CONCURRENTLY',
    'VACUUM t',
    'COMMIT',
  ])('is true for %s', (statement) => {
    expect(cannotRunInTransaction(statement)).toBe(true);
  });

  it.each(['CREATE INDEX i ON t (c)', 'CREATE TABLE concurrently_named (id int)', "ALTER TYPE r ADD VALUE 'x'"])(
    'is false for %s',
    (statement) => {
      expect(cannotRunInTransaction(statement)).toBe(false);
    },
  );
});

describe('projectRoot', () => {
  it('is the directory with package.json, found from any depth below it', () => {
    expect(findProjectRoot(path.join(projectRoot, 'dist', 'src', 'db'))).toBe(projectRoot);
    expect(findProjectRoot(import.meta.dirname)).toBe(projectRoot);
  });
});
