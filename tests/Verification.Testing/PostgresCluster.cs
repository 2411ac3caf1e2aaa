using System.Diagnostics;
using Npgsql;

namespace Verification.Testing;

/// <summary>
/// A throwaway PostgreSQL 15 cluster, started from the locally installed binaries on a free loopback port with its
/// socket in a temporary folder, and deleted when disposed. As root, PostgreSQL refuses to run, so the cluster belongs
/// to the postgres user. Durability is off (fsync, synchronous_commit): the data is thrown away anyway, and the tests
/// and the benchmark's comparison with the floor run on the same server settings. Each host gets a database of its own.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private static readonly Lazy<PostgresCluster?> SharedCluster = new(StartShared, LazyThreadSafetyMode.ExecutionAndPublication);

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

    /// <summary>One cluster for the whole process (a test run), stopped when it exits; null when PostgreSQL is not installed here.</summary>
    public static PostgresCluster? Instance => SharedCluster.Value;

    /// <summary>Why no cluster can start on this machine, or null when one can.</summary>
    public static string? WhyUnavailable =>
        File.Exists(Path.Combine(BinDirectory, "initdb")) ? null
            : $"PostgreSQL 15 is not installed ({BinDirectory}/initdb is missing); .ci/run installs it with apt-get.";

    /// <summary>The postmaster's process id (the first line of postmaster.pid); its backends are its children.</summary>
    public int ServerPid => int.Parse(File.ReadLines(Path.Combine(_data, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    public string AdminConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Database=postgres;Pooling=false;Timeout=30";

    /// <summary>Starts a cluster of its own in a new folder under the temporary folder named <paramref name="folderPrefix"/>….</summary>
    public static PostgresCluster Start(string folderPrefix = "verification-pg-")
    {
        if (WhyUnavailable is { } why)
            throw new InvalidOperationException(why);
        var folder = Path.Combine(Path.GetTempPath(), folderPrefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var data = Path.Combine(folder, "data");
        var socket = Path.Combine(folder, "socket");
        Directory.CreateDirectory(socket);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
            Run("chown", $"-R postgres:postgres {folder}");
        var port = LoopbackPort.Free();
        Run(asRoot, "initdb", $"-D {data} -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 -N");
        Run(asRoot, "pg_ctl", $"-D {data} -l {Path.Combine(folder, "server.log")} -w -t 60 " +
            $"-o \"-p {port} -k {socket} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start");
        return new PostgresCluster(folder, data, asRoot, port);
    }

    /// <summary>A new, empty database; its name is made up when not given. Returns its connection string.</summary>
    public string CreateDatabase(string? name = null, int commandTimeoutSeconds = 60)
    {
        name ??= "verification_" + Guid.NewGuid().ToString("N")[..16];
        using var connection = new NpgsqlConnection(AdminConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        command.ExecuteNonQuery();
        return $"Host=127.0.0.1;Port={_port};Username=postgres;Database={name};Timeout=30;Command Timeout={commandTimeoutSeconds}";
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

    private static PostgresCluster? StartShared()
    {
        if (WhyUnavailable is not null)
            return null;
        var cluster = Start();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Dispose();
        return cluster;
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
