"""The Redis schema: one owner per key family.

`keys` builds every key name; `articles` writes and reads the article hash (decoded
one way for every reader; `feed_rows.lua` reads a feed page of them in one call) and
the per-site and per-feed sorted sets; `story_index` (+ `.lua`) keeps the LSH band
tables, records and clusters in one atomic call per article; `pending`, `deadletters`,
`stats` (with the stage and counter names), `crawl_runs` (locks and run history) and
`retention` own theirs; `memory` reads how full Redis is (and keeps when workers met its
maxmemory), `broker_keys` checks the types of Celery's keys under the prefix, `paragraph_counts`
keeps each site's paragraph counts (what `workers.site_boilerplate` decides on). Nothing here knows
about Scrapy, Celery tasks or HTTP: it imports only the core kernel.
"""
