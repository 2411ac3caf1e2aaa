using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Verification.Api.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for the whole test run, started from the locally installed binaries on a free
/// loopback port with its socket in a temporary folder, and deleted when the run ends. As root, PostgreSQL refuses to
/// run, so the cluster belongs to the postgres user. Each test host gets a database of its own.
/// </summary>
public sealed class PostgresCluster
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly Lazy<PostgresCluster?> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? _whyUnavailable;

    private readonly string _folder;
    private readonly int _port;

    private PostgresCluster(string folder, int port)
    {
        _folder = folder;
        _port = port;
    }

    /// <summary>The cluster, or null with <see cref="WhyUnavailable"/> when PostgreSQL is not installed here.</summary>
    public static PostgresCluster? Instance => Shared.Value;

    public static string WhyUnavailable => _whyUnavailable ?? string.Empty;

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    public string CreateDatabase()
    {
        var name = "verification_" + Guid.NewGuid().ToString("N")[..16];
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"Host=127.0.0.1;Port={_port};Username=postgres;Database={name};Timeout=30;Command Timeout=60";
    }

    private static PostgresCluster? Start()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            _whyUnavailable = $"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing); .ci/run installs it with apt-get.";
            return null;
        }
        var folder = Path.Combine(Path.GetTempPath(), "verification-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var data = Path.Combine(folder, "data");
        var socket = Path.Combine(folder, "socket");
        Directory.CreateDirectory(socket);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            Run("chown", $"-R postgres:postgres {folder}");
        var port = FreePort();
        Run(asRoot, "initdb", $"-D {data} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N");
        Run(asRoot, "pg_ctl", $"-D {data} -l {Path.Combine(folder, "server.log")} -w -t 60 " +
            $"-o \"-p {port} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start");
        var cluster = new PostgresCluster(folder, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop(asRoot, data);
        return cluster;
    }

    private void Stop(bool asRoot, string data)
    {
        try
        {
            Run(asRoot, "pg_ctl", $"-D {data} -m immediate -w stop");
        }
        finally
        {
            try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
