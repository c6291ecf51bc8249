-- The tools each version's MCP servers listed when the version was created (name, description,
-- input schema), kept with the version so that its runs validate input against the schemas the
-- version was checked with. Written by the insert that creates the version; versions stay
-- immutable (the trigger of 0001 refuses updates), so the listing never changes afterwards.
alter table agent_versions add column mcp_tools jsonb not null default '[]';
