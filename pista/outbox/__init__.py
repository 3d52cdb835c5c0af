"""The transactional outbox: effects that must follow a commit, recorded in the
same transaction and delivered until done, once."""
