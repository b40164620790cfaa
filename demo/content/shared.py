"""A statement quoted word for word by two different stories on two sites.

The stories share this one paragraph and nothing else: a hard negative that paragraph-level matching
must not mistake for a syndicated copy.
"""

from demo.content.model import prose

FENMOOR_STATEMENT = prose("""
    In a statement, Fenmoor Water said: "We understand that our customers expect more from us, and we share
    their frustration. We are investing a record $1.4 billion over the next five years to replace ageing
    pipes, reduce storm overflows and secure supplies for a growing region. Every part of that programme is
    scrutinised by the regulator, and we will keep publishing our performance data in full so that
    customers can judge our progress for themselves."
""")
