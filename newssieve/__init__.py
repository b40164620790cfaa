"""newssieve: crawl news sites, keep the article, flag syndicated copies, serve deduplicated feeds."""

__version__ = "0.1.0"
