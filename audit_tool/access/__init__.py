"""Who is acting and what they may see: the permission table and the agency scope of queries.

Below services and reporting, above the store: both check rights here, neither imports the other
for it.
"""
