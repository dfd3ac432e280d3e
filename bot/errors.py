"""Named exceptions. Only `UserError` messages are meant for citizens or moderators."""


class UserError(Exception):
    "An error whose message is shown to the user: a text key of `messages` with its values."

    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self, lang: str = "id") -> str:
        """The message in `lang`, as plain text."""
        from bot.messages import html_to_text, t_html

        return html_to_text(t_html(self.key, lang, **self.values))

    def html(self, lang: str = "id") -> str:
        """The message in `lang`, as HTML for a chat (its values escaped)."""
        from bot.messages import t_html

        return t_html(self.key, lang, **self.values)

    def __str__(self) -> str:
        return self.message("en")


class KnowledgeError(Exception):
    "A knowledge file is invalid; the message names the file (and line where known)."


class ConfigError(Exception):
    "The configuration (environment variables) is missing or malformed."


class TemporaryError(Exception):
    "A failure that may pass by itself (the Bot API unreachable, the database locked): worth a retry."


# Exit codes of the `cekfakta` command (sysexits.h), so that a supervisor can tell what to do.
EXIT_FAILED = 1  # eval below the bar, health check failed, kb load conflicts
EXIT_USAGE = 2  # bad command line or input file (argparse uses 2 as well)
EXIT_TEMPFAIL = 75  # EX_TEMPFAIL: try again later
EXIT_CONFIG = 78  # EX_CONFIG: fix the configuration; restarting will not help


class StoreError(Exception):
    "The database cannot be used: missing folder, not a cekfakta database, corrupt, locked. One line."
