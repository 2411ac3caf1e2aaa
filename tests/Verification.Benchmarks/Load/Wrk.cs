using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Verification.Benchmarks.Load;

/// <summary>
/// wrk (Debian's package) driven by a Lua script: random paths from a file, an optional body, an Authorization header, and
/// a `done` hook that prints the exact p50/p99 as JSON. Installed with apt-get when missing and running as root.
/// Bounded by time (-d) and by a request cap per thread.
/// </summary>
public static class Wrk
{
    private const string Script = """
        -- Verification benchmark: args = paths file, body file or "-", method, Authorization value or "-", max requests per thread
        local paths = {}
        local extra = {}
        local body = nil
        local max = 0
        local count = 0
        local counter = 0
        function setup(thread)
          counter = counter + 1
          thread:set("seed", counter)
        end
        function init(args)
          for line in io.lines(args[1]) do
          -- "path<TAB>etag": the request also sends If-None-Match with that value
          local path, etag = line:match("^([^\t]*)\t(.*)$")
          if path then paths[#paths + 1] = path; extra[#paths] = etag else paths[#paths + 1] = line end
        end
          if args[2] ~= "-" then
            local f = io.open(args[2], "rb"); body = f:read("*a"); f:close()
            wrk.headers["Content-Type"] = "application/json"
          end
          wrk.method = args[3]
          if args[4] ~= "-" then wrk.headers["Authorization"] = args[4] end
          max = tonumber(args[5])
          for i, etag in pairs(extra) do
            local headers = {}
            for k, v in pairs(wrk.headers) do headers[k] = v end
            headers["If-None-Match"] = etag
            extra[i] = headers
          end
          math.randomseed(os.time() * 100 + (seed or 0))
        end
        function request()
          count = count + 1
          if max > 0 and count > max then wrk.thread:stop() end
          local i = math.random(#paths)
          return wrk.format(nil, paths[i], extra[i], body)
        end
        function done(summary, latency, requests)
          local e = summary.errors
          io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
            summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
            latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
        end
        """;

    private static string? _whyUnavailable;
    private static bool _checked;

    /// <summary>Null when wrk can run; otherwise why not (then the C# driver takes over).</summary>
    public static string? EnsureInstalled(Action<string> log)
    {
        if (_checked)
            return _whyUnavailable;
        _checked = true;
        if (Exists())
            return null;
        if (Environment.UserName != "root")
            return _whyUnavailable = "wrk is not installed and installing it needs root";
        log("wrk is missing: apt-get install -y wrk");
        var installed = Run("apt-get", "install -y -qq wrk", TimeSpan.FromMinutes(3)) == 0
            || (Run("apt-get", "update -qq", TimeSpan.FromMinutes(3)) == 0 && Run("apt-get", "install -y -qq wrk", TimeSpan.FromMinutes(3)) == 0);
        return _whyUnavailable = installed && Exists() ? null : "apt-get could not install wrk";
    }

    public static async Task<LoadResult> RunAsync(Uri baseAddress, LoadRequest request, int connections, TimeSpan duration, long maxRequests, string workFolder)
    {
        Directory.CreateDirectory(workFolder);
        var script = Path.Combine(workFolder, "bench.lua");
        await File.WriteAllTextAsync(script, Script);
        var paths = Path.Combine(workFolder, $"paths-{Guid.NewGuid():N}.txt");
        await File.WriteAllLinesAsync(paths, request.Paths);
        var body = "-";
        if (request.Body is not null)
        {
            body = Path.Combine(workFolder, $"body-{Guid.NewGuid():N}.json");
            await File.WriteAllBytesAsync(body, request.Body);
        }
        var threads = Math.Max(1, Math.Min(Environment.ProcessorCount, connections));
        var perThread = maxRequests <= 0 ? 0 : Math.Max(1, maxRequests / threads);
        var seconds = Math.Max(1, (int)Math.Round(duration.TotalSeconds));
        var start = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     $"-t{threads}", $"-c{connections}", $"-d{seconds}s", "--timeout", "30s", "-s", script, baseAddress.ToString().TrimEnd('/'),
                     "--", paths, body, request.Method.Method, request.Authorization ?? "-", perThread.ToString(CultureInfo.InvariantCulture),
                 })
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(duration + TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var text = await output;
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("WRK_RESULT ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"wrk printed no result ({process.ExitCode}): {text}\n{await error}");
        using var result = JsonDocument.Parse(line["WRK_RESULT ".Length..]);
        var r = result.RootElement;
        long Get(string name) => r.GetProperty(name).GetInt64();
        var errors = Get("connect") + Get("read") + Get("write") + Get("status") + Get("timeout");
        return new LoadResult("wrk", connections, Get("duration_us") / 1e6, Get("requests"), errors,
            Get("p50_us") / 1000.0, Get("p99_us") / 1000.0, r.GetProperty("mean_us").GetDouble() / 1000.0, Get("max_us") / 1000.0);
    }

    private static bool Exists() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "wrk")));

    private static int Run(string file, string arguments, TimeSpan timeout)
    {
        try
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var process = Process.Start(start)!;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return -1;
            }
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
