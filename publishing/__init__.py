"""The publishing engine: what may go out (rules), who claims it (dispatcher), what happens to it
(services), the crisis pause and the overdue list (views), and the engine's health.

It is a Django app of its own (label ``publishing``) inside the posts package, so the engine's
files sit together and its one model (the holds a crisis pause leaves) has its own migrations.
"""
