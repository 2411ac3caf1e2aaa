using System.Reflection;
using System.Reflection.Emit;
using Verification.Api.Features.Claims;
using Verification.Domain.Claims;
using Verification.Persistence;

namespace Verification.Api.Tests.Architecture;

/// <summary>
/// Plumbing imports no feature (STYLE.md): nothing in Verification.Api.Pipeline or Verification.Api.Infrastructure,
/// and nothing in the domain or persistence assemblies, names a type of Verification.Api.Features. Read from the
/// compiled assembly (signatures and every method body's IL), so a fully qualified name or a lambda cannot slip by.
/// </summary>
public sealed class LayeringTests
{
    private const string Features = "Verification.Api.Features";
    private static readonly Assembly Api = typeof(ClaimSetup).Assembly;

    [Theory]
    [InlineData("Verification.Api.Pipeline")]
    [InlineData("Verification.Api.Infrastructure")]
    public void Plumbing_references_no_feature(string plumbing)
    {
        var types = Api.GetTypes().Where(t => InNamespace(t, plumbing)).ToList();
        Assert.NotEmpty(types);
        var offences = types.SelectMany(t => FeatureTypesUsedBy(t).Select(f => $"{t.FullName} uses {f.FullName}")).Distinct().ToList();
        Assert.True(offences.Count == 0, "Plumbing must not import features:\n" + string.Join('\n', offences));
    }

    [Fact]
    public void The_domain_and_persistence_do_not_reference_the_host()
    {
        foreach (var assembly in new[] { typeof(Claim).Assembly, typeof(VerificationDb).Assembly })
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name == Api.GetName().Name);
    }

    [Fact]
    public void The_check_sees_a_feature_named_only_inside_a_method_body()
    {
        // Guards the rule above against passing vacuously: ClaimSetup names FlagPossibleDuplicates.Command only in IL
        // (a newobj and a generic method argument), never in a signature.
        var used = FeatureTypesUsedBy(typeof(ClaimSetup)).ToList();
        Assert.Contains(typeof(FlagPossibleDuplicates.Command), used);
    }

    private static bool InNamespace(Type type, string ns) =>
        type.Namespace is { } name && (name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal));

    private static IEnumerable<Type> FeatureTypesUsedBy(Type type) =>
        TypesUsedBy(type).SelectMany(Expand).Where(t => InNamespace(t, Features)).Distinct();

    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic
        | BindingFlags.Instance | BindingFlags.Static;

    private static IEnumerable<Type> TypesUsedBy(Type type)
    {
        if (type.BaseType is { } baseType)
            yield return baseType;
        foreach (var i in type.GetInterfaces())
            yield return i;
        foreach (var a in type.CustomAttributes)
            yield return a.AttributeType;
        foreach (var f in type.GetFields(Declared))
            yield return f.FieldType;
        foreach (var p in type.GetProperties(Declared))
            yield return p.PropertyType;
        foreach (var m in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (m is MethodInfo method)
                yield return method.ReturnType;
            foreach (var p in m.GetParameters())
                yield return p.ParameterType;
            foreach (var t in TypesInBody(m))
                yield return t;
        }
    }

    /// <summary>A type and what it is made of: generic arguments, element types.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var t in Expand(element))
                yield return t;
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Expand))
                yield return t;
        }
    }

    private static readonly OpCode[] OneByte = new OpCode[0x100];
    private static readonly OpCode[] TwoByte = new OpCode[0x100];

    static LayeringTests()
    {
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var op = (OpCode)field.GetValue(null)!;
            var value = (ushort)op.Value;
            if (value < 0x100)
                OneByte[value] = op;
            else if ((value & 0xff00) == 0xfe00)
                TwoByte[value & 0xff] = op;
        }
    }

    /// <summary>Every type, method and field token in a method body's IL, resolved to the types it names.</summary>
    private static IEnumerable<Type> TypesInBody(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var op = il[i] == 0xfe ? TwoByte[il[i + 1]] : OneByte[il[i]];
            i += op.Size;
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    i += 8;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType:
                    var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                    i += 4;
                    foreach (var t in TypesOf(member))
                        yield return t;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    private static IEnumerable<Type> TypesOf(MemberInfo? member)
    {
        switch (member)
        {
            case Type type:
                yield return type;
                break;
            case FieldInfo field:
                yield return field.DeclaringType!;
                yield return field.FieldType;
                break;
            case MethodBase method:
                if (method.DeclaringType is { } declaring)
                    yield return declaring;
                if (method is MethodInfo info)
                {
                    yield return info.ReturnType;
                    if (info.IsGenericMethod)
                    {
                        foreach (var t in info.GetGenericArguments())
                            yield return t;
                    }
                }
                foreach (var p in method.GetParameters())
                    yield return p.ParameterType;
                break;
        }
    }
}
