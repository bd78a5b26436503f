"""`oversight`: the product's jobs as subcommands of one command.

The commands live by topic in cli_data, cli_metrics and cli_exports; importing them here
registers them on the one app, in the order `oversight --help` lists them.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from oversight import cli_data, cli_exports, cli_metrics  # noqa: F401  (registers the commands)
from oversight.cli_common import (
    WarehouseOption,
    app,
    console,
    print_error,
    warehouse_path,
)
from oversight.local_dashboard import server_command
from oversight.settings import get_settings


@app.command()
def serve(
    warehouse: WarehouseOption = None,
    port: Annotated[int, typer.Option("--port", help="Port to serve the dashboard on.")] = 8501,
    address: Annotated[
        str, typer.Option("--address", help="Address to bind; localhost unless the app sits behind a login.")
    ] = "localhost",
    allow_unauthenticated_remote: Annotated[
        bool,
        typer.Option(
            "--allow-unauthenticated-remote",
            help="Bind to a network address with no sign-in configured (everyone reaching it is an analyst).",
        ),
    ] = False,
) -> None:
    """Serve the dashboard, first building the sample district's warehouse if none exists.

    Exit code 2 when asked to listen beyond localhost with no sign-in configured, or when OIDC
    sign-in is chosen but `.streamlit/secrets.toml` has no usable [auth] section. The dashboard
    runs in this command's own process, so stopping it (Ctrl-C, kill, systemd) stops the dashboard.
    """
    from etl.warehouse import Warehouse, private_umask
    from oversight.binding import (
        SignInMisconfigured,
        UnauthenticatedRemoteBind,
        check_bind,
        streamlit_secrets_files,
    )
    from pipeline.nightly import refresh as run_refresh

    settings = get_settings()
    try:
        check_bind(
            address, settings, secrets_files=streamlit_secrets_files(), allow_unauthenticated_remote=allow_unauthenticated_remote
        )
    except (UnauthenticatedRemoteBind, SignInMisconfigured) as error:
        print_error("Not serving", error)
        raise typer.Exit(2) from error
    private_umask()  # the sample warehouse, the audit log and everything the dashboard writes stay private
    target = warehouse_path(warehouse)
    if not Warehouse(target).exists():
        console.print(f"No warehouse at {target}: loading the sample district from {settings.sample_drop}.")
        run_refresh(settings.sample_drop, warehouse=target, settings=settings)
    environment = dict(os.environ, OVERSIGHT_WAREHOUSE=str(target))
    if allow_unauthenticated_remote:  # the launcher checks the address again and must see the same override
        environment["OVERSIGHT_ALLOW_UNAUTHENTICATED_REMOTE"] = "true"
    command = server_command(port, address=address, headless=False)
    # The server replaces this process rather than running as its child, so it keeps this process's
    # id: stopping `oversight serve` (Ctrl-C, `kill PID`, systemd) stops the dashboard itself.
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, environment)


if __name__ == "__main__":
    app()
