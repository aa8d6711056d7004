"""Crawl jobs: TOML job files, the scheduler that runs them, rechecks and seed discovery.

- `config`: load and check a jobs TOML file (`load_jobs`).
- `seeds`: URL lists (text or CSV exports of search results) as seeds.
- `runs`: the per-job lock and the runs log (JSON lines in the data dir).
- `scheduler`: decide when each job is due and run it as a separate process.
- `recheck`: recrawl known spam pages; live / number changed / gone / back, derived
  from the capture history.
"""
