"""The syndication set: a seeded generator of news stories, their copies and hard negatives; its evaluation.

Run `python -m bench.syndication` for pairwise precision and recall of the story index.
"""
