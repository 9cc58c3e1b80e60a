-- The database and its two roles, created once by a superuser before the first `migrate`:
--   set -a; . ./.env; set +a; psql -U postgres -f deploy/postgresql/roles.sql
-- (compose.yaml runs it when the db container first starts). The roles need no password when they
-- connect over the Unix socket with peer authentication (pg_hba.conf, pg_ident.conf: the production
-- set-up of docs/deployment.md); given POSTGRES_OWNER_PASSWORD and POSTGRES_APP_PASSWORD in the
-- environment (compose, bin/serve over TCP; psql 15 or later), they get those, never from this file.
--
-- {{ cookiecutter.project_slug }}_owner owns the schema: only `manage.py migrate` connects as it (DATABASE_MIGRATE_URL).
-- {{ cookiecutter.project_slug }}_app is the site (DATABASE_URL): it reads and writes rows and can change no table, so an
-- injected query or a compromised worker cannot create, alter or drop one, or reach another database.
\set ON_ERROR_STOP on
\getenv owner_password POSTGRES_OWNER_PASSWORD
\getenv app_password POSTGRES_APP_PASSWORD

CREATE ROLE {{ cookiecutter.project_slug }}_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
CREATE ROLE {{ cookiecutter.project_slug }}_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
\if :{?owner_password}
ALTER ROLE {{ cookiecutter.project_slug }}_owner PASSWORD :'owner_password';
\endif
\if :{?app_password}
ALTER ROLE {{ cookiecutter.project_slug }}_app PASSWORD :'app_password';
\endif
CREATE DATABASE {{ cookiecutter.project_slug }} OWNER {{ cookiecutter.project_slug }}_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE {{ cookiecutter.project_slug }} FROM PUBLIC;
GRANT CONNECT ON DATABASE {{ cookiecutter.project_slug }} TO {{ cookiecutter.project_slug }}_app;

\connect {{ cookiecutter.project_slug }}
ALTER SCHEMA public OWNER TO {{ cookiecutter.project_slug }}_owner;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO {{ cookiecutter.project_slug }}_app;
-- Every table and sequence the owner's migrations create: rows only.
ALTER DEFAULT PRIVILEGES FOR ROLE {{ cookiecutter.project_slug }}_owner IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {{ cookiecutter.project_slug }}_app;
ALTER DEFAULT PRIVILEGES FOR ROLE {{ cookiecutter.project_slug }}_owner IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO {{ cookiecutter.project_slug }}_app;
