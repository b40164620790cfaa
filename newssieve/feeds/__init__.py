"""The read side: feed queries over the store, stories with their copies, export, Atom/RSS.

Reads only: nothing here writes to Redis. Imports `newssieve.store` and the kernel.
"""
