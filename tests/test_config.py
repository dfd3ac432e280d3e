"""Configuration: one settings object from the environment and an optional .env file; every
variable documented; a bad value names its variable; distinct exit codes."""

import re
import tomllib
from pathlib import Path

import pytest

from bot import __version__
from bot.config import VARIABLES, Settings, read_environment
from bot.errors import ConfigError

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize(("name", "value", "says"), [
    ("CEKFAKTA_WEBHOOK_PORT", "abc", "is not a port number"),
    ("CEKFAKTA_WEBHOOK_PORT", "70000", "is not a port number"),
    ("CEKFAKTA_METRICS_PORT", "-1", "is not a port number"),
    ("CEKFAKTA_OWNER_IDS", "12, x7", "'x7' is not a Telegram user id"),
    ("CEKFAKTA_OWNER_IDS", "0", "'0' is not a Telegram user id"),
    ("CEKFAKTA_LANG", "fr", "is not one of id, en"),
    ("CEKFAKTA_LOG_LEVEL", "loud", "is not one of DEBUG"),
    ("CEKFAKTA_LOG_FORMAT", "xml", "is not one of text, json"),
    ("CEKFAKTA_TIMEZONE", "Mars/Olympus", "is not an IANA time zone"),
    ("CEKFAKTA_PUBLIC_URL", "fakta.example.org", "is not an absolute http(s) URL"),
    ("CEKFAKTA_DIGEST_TIME", "25:00", "is not a time of day"),
    ("CEKFAKTA_DIGEST_MIN", "many", "is not a whole number"),
])
def test_a_bad_value_names_its_variable(name, value, says):
    with pytest.raises(ConfigError) as error:
        Settings.from_env({name: value})
    assert str(error.value).startswith(f"{name}: ") and says in str(error.value)


def test_values_are_read_and_normalised():
    settings = Settings.from_env({
        "CEKFAKTA_WEBHOOK_PORT": "9000", "CEKFAKTA_OWNER_IDS": "5, 7 9", "CEKFAKTA_LOG_LEVEL": "debug",
        "CEKFAKTA_PUBLIC_URL": "https://fakta.example.org/", "CEKFAKTA_TIMEZONE": "Asia/Jakarta",
        "CEKFAKTA_DIGEST_TIME": "07:30", "CEKFAKTA_PUBLISHER": "Cek Fakta NTT"})
    assert settings.webhook_port == 9000 and settings.owner_ids == {5, 7, 9} and settings.log_level == "DEBUG"
    assert settings.public_url == "https://fakta.example.org" and settings.tz.key == "Asia/Jakarta"
    assert settings.digest_time == "07:30" and settings.publisher == "Cek Fakta NTT"


def test_defaults_are_what_the_table_says():
    settings = Settings.from_env({})
    assert (settings.webhook_listen, settings.webhook_port, settings.metrics_port) == ("127.0.0.1", 8443, 0)
    assert (settings.log_level, settings.log_format, settings.timezone) == ("INFO", "text", "Asia/Makassar")
    assert settings.digest_time == "" and settings.public_url == "" and settings.publisher == "cekfakta"


def test_a_dot_env_file_is_read_and_the_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# a comment\nCEKFAKTA_LANG=en\nexport CEKFAKTA_WEBHOOK_PORT=9001\n"
                        'CEKFAKTA_PUBLISHER="Cek Fakta NTT"\n')
    values = read_environment({"CEKFAKTA_LANG": "id"}, env_file)
    settings = Settings.from_env(values)
    assert settings.lang == "id"  # the environment wins
    assert settings.webhook_port == 9001 and settings.publisher == "Cek Fakta NTT"


def test_the_dot_env_of_the_current_folder_is_read_by_the_command(run_cli, tmp_path):
    (tmp_path / ".env").write_text("CEKFAKTA_WEBHOOK_PORT=oops\n")
    result = run_cli("ask", "BSU")
    assert result.returncode == 78
    assert result.stderr.strip() == "cekfakta: CEKFAKTA_WEBHOOK_PORT: 'oops' is not a port number (1-65535)"


def test_a_missing_env_file_named_explicitly_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="CEKFAKTA_ENV_FILE: .* does not exist"):
        read_environment({"CEKFAKTA_ENV_FILE": str(tmp_path / "nope.env")})


def test_an_unknown_cekfakta_variable_is_warned_about(run_cli):
    result = run_cli("ask", "BSU", env={"CEKFAKTA_WEBHOOK_PROT": "8443", "CEKFAKTA_LOG_LEVEL": "WARNING"})
    assert result.returncode == 0
    assert "Unknown variables ignored (typos?): CEKFAKTA_WEBHOOK_PROT" in result.stderr


def test_every_variable_is_in_the_readme_table_with_its_default_and_meaning():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for variable in VARIABLES:  # as `cekfakta --help` says it
        assert f"| `{variable.name}` | {variable.default} | {variable.meaning} |" in readme, variable.name


def test_every_variable_the_code_reads_is_declared():
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bot").rglob("*.py"))
    read = set(re.findall(r'"((?:CEKFAKTA|TELEGRAM)_[A-Z_]+)"', source))
    assert read <= {v.name for v in VARIABLES}


def test_env_example_lists_every_variable_commented_out():
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for variable in VARIABLES:
        assert re.search(rf"^# {variable.name}=", example, re.MULTILINE), variable.name
    assert not [line for line in example.splitlines() if line and not line.startswith("#")]


def test_help_lists_the_environment_variables_and_exit_codes(run_cli):
    result = run_cli("--help")
    assert result.returncode == 0
    for variable in VARIABLES:
        assert variable.name in result.stdout
    assert "78 configuration error" in result.stdout


def test_version_matches_the_package(run_cli):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    result = run_cli("--version")
    assert result.stdout.strip() == f"cekfakta {__version__}" == f"cekfakta {project['version']}"


def test_run_without_a_token_is_a_configuration_error_not_a_console(run_cli):
    result = run_cli("run", input="")
    assert result.returncode == 78
    assert result.stderr.strip().startswith("cekfakta: TELEGRAM_BOT_TOKEN is not set")
    assert result.stdout == ""
    assert "or CEKFAKTA_WA_TOKEN and CEKFAKTA_WA_PHONE_ID for WhatsApp" in result.stderr


def test_run_is_documented_as_telegram_or_whatsapp_or_both(run_cli):
    from bot.cli import _parser

    run_help = next(a for a in _parser()._actions if a.dest == "command").choices["run"].description
    assert "WhatsApp with CEKFAKTA_WA_TOKEN" in run_help and "exit 78" in run_help
    assert "WhatsApp with CEKFAKTA_WA_TOKEN" in run_cli("--help").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `cekfakta run "))
    assert "WhatsApp with `CEKFAKTA_WA_TOKEN`" in row and "exit code 78" in row
    assert "Telegram's polling mode that server listens on" not in readme
    assert "only sends messages to recipients registered in advance" in readme


def test_the_secret_token_is_refused_on_the_command_line(run_cli):
    from fakes import TOKEN

    result = run_cli("run", "--webhook-url", "https://bot.example.org/hook", "--secret-token", "visible-in-ps",
                     env={"TELEGRAM_BOT_TOKEN": TOKEN})
    assert result.returncode == 78
    assert "CEKFAKTA_WEBHOOK_SECRET" in result.stderr and "visible-in-ps" not in result.stderr


def test_an_unreachable_bot_api_is_a_temporary_failure(run_cli, tmp_path):
    import socket

    from fakes import TOKEN

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = run_cli("run", env={"TELEGRAM_BOT_TOKEN": TOKEN, "CEKFAKTA_BOT_API_URL": f"http://127.0.0.1:{port}/bot"})
    assert result.returncode == 75, result.stderr
    assert "cannot reach the Bot API" in result.stderr and TOKEN not in result.stderr
