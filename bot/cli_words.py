"""The command line's framework words in Spanish: the usage line, the help option, the help panels'
titles and every parse error ("Missing argument", "No such option", "No such command"…).

typer vendors click without click's gettext calls, so there is no message catalogue to install. What
typer does offer is used instead: command classes (`cls=`) whose usage line, help option and parse
errors are ours, the `options_metavar`/`subcommand_metavar` settings, and `typer.rich_utils`' module
constants for the help panels. A parse error is rebuilt from the exception's own fields (which option,
which parameter, which close matches), never by rewriting its English text. The sentences themselves
live in `commands/texts.py`.
"""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any

from typer import rich_utils
from typer._click import exceptions as click_errors  # typer's vendored click names these nowhere public
from typer._click.core import Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from commands.texts import texts


def install() -> None:
    """The help screens' fixed words: typer reads these module constants each time it renders."""
    t = texts()
    rich_utils.ARGUMENTS_PANEL_TITLE = t.cli_panel_arguments
    rich_utils.OPTIONS_PANEL_TITLE = t.cli_panel_options
    rich_utils.COMMANDS_PANEL_TITLE = t.cli_panel_commands
    rich_utils.ERRORS_PANEL_TITLE = t.cli_panel_error
    rich_utils.ABORTED_TEXT = t.cli_aborted
    rich_utils.RICH_HELP = t.cli_try_help
    rich_utils.DEFAULT_STRING = t.cli_default
    rich_utils.ENVVAR_STRING = t.cli_env_var
    rich_utils.REQUIRED_LONG_STRING = t.cli_required
    rich_utils.DEPRECATED_STRING = t.cli_deprecated


def _option_named(ctx: Context, name: str) -> Any:
    return next((p for p in ctx.command.get_params(ctx) if name in (*p.opts, *p.secondary_opts)), None)


def _spanish(exc: click_errors.UsageError, ctx: Context) -> click_errors.UsageError:
    """The same refusal, said in Spanish from the exception's fields; the help screen shown for a
    command given no arguments is not an error and passes through."""
    t = texts()
    if isinstance(exc, click_errors.NoArgsIsHelpError):
        return exc
    if isinstance(exc, click_errors.NoSuchOption):
        message = t.cli_no_such_option(exc.option_name, sorted(exc.possibilities or ()))
    elif isinstance(exc, click_errors.BadOptionUsage):
        option = _option_named(ctx, exc.option_name)
        flag = isinstance(option, TyperOption) and option.is_flag
        message = (t.cli_option_takes_no_value if flag else t.cli_option_needs_value)(exc.option_name)
    elif isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        param = exc.param
        if isinstance(param, TyperOption):
            message = t.cli_missing_option(max(param.opts, key=len))
        else:
            message = t.cli_missing_argument(param.display_name_raw.upper())
    elif isinstance(exc, click_errors.BadParameter) and exc.param is not None:
        message = t.cli_bad_value(exc.param.display_name_raw, exc.message)
    else:
        return exc
    return click_errors.UsageError(message, exc.ctx or ctx)


class _SpanishParsing:
    """What every command and group shares: the usage line, the help option and the parse errors."""

    def format_usage(self, ctx: Context, formatter: HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=texts().cli_usage)

    def get_help_option(self, ctx: Context) -> TyperOption | None:
        option: TyperOption | None = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = texts().cli_help_option
            option.metavar = ""  # a flag takes no value: no "<bool>" beside it
        return option

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        wanted = ctx.allow_extra_args
        ctx.allow_extra_args = True  # leftovers are refused below, in Spanish
        try:
            rest: list[str] = super().parse_args(ctx, args)  # type: ignore[misc]
        except click_errors.UsageError as exc:
            raise _spanish(exc, ctx) from None
        finally:
            ctx.allow_extra_args = wanted
        if rest and not wanted and not ctx.resilient_parsing:
            raise click_errors.UsageError(texts().cli_extra_arguments(" ".join(rest)), ctx)
        return rest


class _NamedArgument(TyperArgument):
    """An argument whose Spanish metavar (ARCHIVO) already says what to type: no Python type name
    ("<str>") beside it in the help."""

    def display_type_rich(self, ctx: Context) -> str | None:
        return None


class SpanishCommand(_SpanishParsing, TyperCommand):
    """A `clientes-bot` sub-command (`@app.command(cls=SpanishCommand)`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            if type(param) is TyperArgument and param.metavar:
                param.__class__ = _NamedArgument  # same state, only the help's type column differs


class SpanishGroup(_SpanishParsing, TyperGroup):
    """`clientes-bot` and its `db`/`keys` groups (`typer.Typer(cls=SpanishGroup)`)."""

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        typed = args[0]
        if not ctx.resilient_parsing and not typed.startswith("-") and self.get_command(ctx, typed) is None:
            close = get_close_matches(typed, list(self.commands))
            raise click_errors.UsageError(texts().cli_no_such_command(typed, close), ctx)
        return super().resolve_command(ctx, args)
