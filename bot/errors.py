"""Named exceptions. Only `UserError` messages are meant for citizens or moderators."""


class UserError(Exception):
    "An error whose message is shown to the user as it is."


class KnowledgeError(Exception):
    "A knowledge file is invalid; the message names the file (and line where known)."


class ConfigError(Exception):
    "The configuration (environment variables) is missing or malformed."
