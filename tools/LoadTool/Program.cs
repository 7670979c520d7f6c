using System.CommandLine;
using System.Globalization;
using MultiCloud.LoadTool;
using Spectre.Console;

var target = new Option<string>("--target") { Description = "Base URL of the API", DefaultValueFactory = _ => "http://127.0.0.1:8080" };
var accounts = new Option<int>("--accounts") { Description = "Accounts to open and fund", DefaultValueFactory = _ => 10_000 };
var transfers = new Option<int>("--transfers") { Description = "Transfers in the main phase", DefaultValueFactory = _ => 100_000 };
var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => 32 };
var readRatio = new Option<double>("--read-ratio") { Description = "Fraction of main-phase operations that are balance reads", DefaultValueFactory = _ => 0.2 };
var readOnly = new Option<bool>("--read-only") { Description = "Only balance reads (the read-path benchmark)" };
var reads = new Option<int>("--reads") { Description = "Reads in read-only mode", DefaultValueFactory = _ => 100_000 };
var skipSetup = new Option<bool>("--skip-setup") { Description = "Read random ids without opening accounts (bare Kestrel baseline)" };
var noVerify = new Option<bool>("--no-verify") { Description = "Skip the checks after the run" };
var seed = new Option<int>("--seed") { Description = "Random seed", DefaultValueFactory = _ => 1 };
var report = new Option<string?>("--report") { Description = "Write the report as JSON to this path" };
var plotPath = new Option<string?>("--plot") { Description = "Write the latency/throughput plot (.png or .svg) to this path" };
var runId = new Option<string?>("--run-id") { Description = "Name of the run (prefix of its idempotency keys)" };
var beforeMain = new Option<string?>("--before-main") { Description = "Shell command to run between setup and the main phase" };
var afterMain = new Option<string?>("--after-main") { Description = "Shell command to run right after the main phase, before verification" };
var timeout = new Option<double>("--timeout-seconds") { Description = "Timeout of one request", DefaultValueFactory = _ => 10 };

var root = new RootCommand("Load generator and checker for the MultiCloud ledger API. Exits 1 when an invariant does not hold.")
{
    target, accounts, transfers, concurrency, readRatio, readOnly, reads, skipSetup, noVerify, seed, report, plotPath, runId, timeout, beforeMain, afterMain,
};

root.SetAction(async (parse, cancellationToken) =>
{
    var options = new LoadOptions
    {
        Target = new Uri(parse.GetValue(target)!),
        Accounts = parse.GetValue(accounts),
        Transfers = parse.GetValue(transfers),
        Concurrency = parse.GetValue(concurrency),
        ReadRatio = Math.Clamp(parse.GetValue(readRatio), 0, 0.99),
        ReadOnly = parse.GetValue(readOnly),
        Reads = parse.GetValue(reads),
        SkipSetup = parse.GetValue(skipSetup),
        Verify = !parse.GetValue(noVerify),
        Seed = parse.GetValue(seed),
        ReportPath = parse.GetValue(report),
        PlotPath = parse.GetValue(plotPath),
        RunId = parse.GetValue(runId) ?? Guid.NewGuid().ToString("N")[..12],
        RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
        BeforeMain = parse.GetValue(beforeMain),
        AfterMain = parse.GetValue(afterMain),
        Live = !Console.IsOutputRedirected,
    };

    if (Console.IsOutputRedirected)
    {
        AnsiConsole.Profile.Width = 160;
    }

    var runner = new LoadRunner(options);
    var run = runner.RunAsync(cancellationToken);
    await ProgressView.ShowAsync(AnsiConsole.Console, runner, run, options.Live);
    var result = await run;

    ReportWriter.Print(AnsiConsole.Console, result);
    if (options.ReportPath is { } path)
    {
        await ReportWriter.WriteJsonAsync(path, result, cancellationToken);
    }

    if (options.PlotPath is { } plot)
    {
        ReportWriter.Plot(plot, result);
    }

    return result.Passed ? 0 : 1;
});

var folder = new Argument<string>("folder") { Description = "The results folder of bench/run" };
var summarizeTransfers = new Option<int>("--transfers") { Description = "Transfers of the service run", DefaultValueFactory = _ => 100_000 };
var summarize = new Command("summarize", "Compute the benchmark's figures and ratios from a bench/run results folder") { folder, summarizeTransfers };
summarize.SetAction(async (parse, cancellationToken) =>
{
    var figures = await Summarizer.SummarizeAsync(parse.GetValue(folder)!, parse.GetValue(summarizeTransfers), cancellationToken);
    var table = new Table().AddColumn("figure").AddColumn(new TableColumn("value").RightAligned());
    foreach (var (name, value) in figures)
    {
        table.AddRow(name, value.ToString("0.###", CultureInfo.InvariantCulture));
    }

    AnsiConsole.Write(table);
    return 0;
});
root.Subcommands.Add(summarize);

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
return await root.Parse(args).InvokeAsync();
