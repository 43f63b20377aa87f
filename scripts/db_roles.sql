-- Database roles for a deployment (run as the database owner after every `migrate`; safe to re-run),
-- see SECURITY.md and docs/DEPLOYMENT.md. docker-compose.yml's `migrate` job runs it.
--   hechuan        owns the schema and runs migrations (DATABASE_URL of the `migrate` job only)
--   hechuan_app    what web, worker and beat connect as: read/write on the data, but the audit log is
--                  INSERT + SELECT only (no UPDATE, DELETE or TRUNCATE, on top of the trigger)
--   hechuan_backup read-only, for pg_dump
-- Set the passwords with \password (or ALTER ROLE … PASSWORD) afterwards; never put them in this file.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hechuan_app') THEN
        CREATE ROLE hechuan_app LOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hechuan_backup') THEN
        CREATE ROLE hechuan_backup LOGIN;
    END IF;
END
$$;

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
