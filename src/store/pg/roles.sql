-- The roles of a team's dissent database (docs/postgres.md), made once by an administrator
-- (a role with CREATEROLE). None of them logs in: a person's login is made a member of one,
--     CREATE ROLE ana LOGIN PASSWORD '…' IN ROLE dissent_reviewer;
-- and dissent_owner, which owns the tables and runs the migrations (SET ROLE dissent_owner),
-- is taken on only by the administrator. Then, as dissent_owner, grants.sql.
CREATE ROLE dissent_owner NOLOGIN;
CREATE ROLE dissent_viewer NOLOGIN;
CREATE ROLE dissent_reviewer NOLOGIN IN ROLE dissent_viewer;
CREATE ROLE dissent_lead NOLOGIN IN ROLE dissent_reviewer;
