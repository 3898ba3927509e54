"""The publishing engine, one app: what may go out (rules), who claims it (dispatcher), the
engine's own writes (engine: send, settle, retry, recover), a person's decisions (decisions:
publish now, retry, resolve, the overdue list), the crisis pause (pause), why a post waits
(waiting), its health, its Celery tasks and beat entries (tasks, beat), its pages (views).
"""
