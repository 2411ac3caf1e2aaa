using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Verification.Persistence;

namespace Verification.Api.Infrastructure.Persistence;

/// <summary>
/// A statement written out in SQL and sent on the context's connection and transaction through EF Core's command layer,
/// without its query pipeline (expression parameter extraction, the compiled-query cache lookup, SQL generation for the
/// parameter values, the shaper). The command still passes EF Core's logging, diagnostics and interceptors, like every
/// other command the context sends. For the few statements of the hot write path inside SQLite's writer gate, where the
/// pipeline cost more than the statement in a profile of submissions (docs/performance-changes.md).
/// </summary>
internal static class PlainSqlCommand
{
    /// <summary>
    /// Runs <paramref name="sql"/>, whose parameters are written <c>{name}</c> (replaced by the provider's placeholder),
    /// and returns its reader. Each value is bound as EF Core binds a value of its CLR type on this provider.
    /// </summary>
    public static async Task<RelationalDataReader> ExecuteReaderAsync(VerificationDb db, string sql, CancellationToken ct,
        params (string Name, object Value)[] parameters)
    {
        var helper = db.GetService<ISqlGenerationHelper>();
        var mappings = db.GetService<IRelationalTypeMappingSource>();
        var builder = db.GetService<IRelationalCommandBuilderFactory>().Create();
        var values = new Dictionary<string, object?>(parameters.Length);
        foreach (var (name, value) in parameters)
        {
            sql = sql.Replace("{" + name + "}", helper.GenerateParameterNamePlaceholder(name), StringComparison.Ordinal);
            builder.AddParameter(name, helper.GenerateParameterName(name),
                mappings.FindMapping(value.GetType()) ?? throw new InvalidOperationException($"No type mapping for {value.GetType()}."),
                nullable: false);
            values[name] = value;
        }
        builder.Append(sql);
        return await builder.Build().ExecuteReaderAsync(new RelationalCommandParameterObject(db.GetService<IRelationalConnection>(), values,
            readerColumns: null, db, db.GetService<IRelationalCommandDiagnosticsLogger>()), ct);
    }
}
