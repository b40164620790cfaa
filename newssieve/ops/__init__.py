"""Running the pipeline: crawl runs in a child process, WARC ingest, worker processes,
waiting for a drained queue, and what operators watch (status, Prometheus metrics).

Starts crawls and workers by module name (`python -m crawler.run`, `celery -A workers.app`),
never by import: it imports only `newssieve.feeds`, `newssieve.store` and the kernel.
"""
