-- Database roles for a deployment (run once as the database owner after `migrate`), see SECURITY.md.
--   hechuan        owns the schema and runs migrations (DATABASE_URL of the `migrate` job only)
--   hechuan_app    what web, worker and beat connect as: read/write on the data, but the audit log is
--                  INSERT + SELECT only (no UPDATE, DELETE or TRUNCATE, on top of the trigger)
--   hechuan_backup read-only, for pg_dump
-- Set the passwords with \password afterwards; never put them in this file.
CREATE ROLE hechuan_app LOGIN;
CREATE ROLE hechuan_backup LOGIN;

GRANT CONNECT ON DATABASE hechuan TO hechuan_app, hechuan_backup;
GRANT USAGE ON SCHEMA public TO hechuan_app, hechuan_backup;

GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO hechuan_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO hechuan_app;
REVOKE UPDATE, DELETE, TRUNCATE ON accounts_auditevent FROM hechuan_app;
ALTER DEFAULT PRIVILEGES FOR ROLE hechuan IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO hechuan_app;
ALTER DEFAULT PRIVILEGES FOR ROLE hechuan IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO hechuan_app;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO hechuan_backup;
GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO hechuan_backup;
ALTER DEFAULT PRIVILEGES FOR ROLE hechuan IN SCHEMA public GRANT SELECT ON TABLES TO hechuan_backup;
