"""Every SQL statement the Python side runs: named constants calling schema-qualified functions."""

LINK_SESSION = """
SELECT session_id, link_status, objects_converted, objects_linked, media_linked
FROM datalinker.link_session(p_session_id => %(session_id)s)
"""
