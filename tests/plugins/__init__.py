"""Small plugins that exist only for tests; enable one with make_site(plugins={...})."""
