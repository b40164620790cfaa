"""A tiny local news network (five sites, syndicated copies, boilerplate) with its ground truth.

`demo.network.DemoNetwork` serves it on 127.0.0.1; `demo/ground_truth.json` says what a perfect crawler,
cleaner and deduplicator would find there. Both are generated from `demo.content`.
"""
