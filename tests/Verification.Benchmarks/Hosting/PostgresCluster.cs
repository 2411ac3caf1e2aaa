using System.Diagnostics;
using Npgsql;

namespace Verification.Benchmarks.Hosting;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for one benchmark run, started exactly as the HTTP tests start theirs
/// (tests/Verification.Api.Tests/Infrastructure/PostgresCluster.cs, copied rather than referenced so that the
/// benchmarks do not depend on the test project): from the locally installed binaries, on a free loopback port,
/// owned by the postgres user when running as root, and deleted afterwards. Durability is off (fsync,
/// synchronous_commit), as in the tests: the figures compare our API with the floor on the same server.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";

    private readonly string _folder;
    private readonly string _data;
    private readonly bool _asRoot;
    private readonly int _port;

    private PostgresCluster(string folder, string data, bool asRoot, int port)
    {
        _folder = folder;
        _data = data;
        _asRoot = asRoot;
        _port = port;
    }

    public static string? WhyUnavailable() =>
        File.Exists(Path.Combine(BinDirectory, "initdb")) ? null
            : $"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing; .ci/run installs it with apt-get)";

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    public static PostgresCluster Start()
    {
        if (WhyUnavailable() is { } why)
            throw new InvalidOperationException(why);
        var folder = Path.Combine(Path.GetTempPath(), "verification-bench-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var data = Path.Combine(folder, "data");
        var socket = Path.Combine(folder, "socket");
        Directory.CreateDirectory(socket);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            Run("chown", $"-R postgres:postgres {folder}");
        var port = ServerProcess.FreePort();
        Run(asRoot, "initdb", $"-D {data} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N");
        Run(asRoot, "pg_ctl", $"-D {data} -l {Path.Combine(folder, "server.log")} -w -t 60 " +
            $"-o \"-p {port} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start");
        return new PostgresCluster(folder, data, asRoot, port);
    }

    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"Host=127.0.0.1;Port={_port};Username=postgres;Database={name};Timeout=30;Command Timeout=120";
    }

    public void Dispose()
    {
        try
        {
            Run(_asRoot, "pg_ctl", $"-D {_data} -m immediate -w stop");
        }
        finally
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        }
    }

    private static void Run(bool asPostgres, string tool, string arguments) =>
        Run(asPostgres ? "runuser" : Path.Combine(BinDirectory, tool),
            asPostgres ? $"-u postgres -- {Path.Combine(BinDirectory, tool)} {arguments}" : arguments);

    private static void Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
            throw new InvalidOperationException($"{file} {arguments} did not finish in time.");
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error.Result}{output.Result}");
    }
}
