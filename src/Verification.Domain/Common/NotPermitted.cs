namespace Verification.Domain.Common;

/// <summary>The caller may see this object but may not do this to it, whatever their role (403).</summary>
public sealed class NotPermitted(string detail) : DomainException("Not permitted", detail);
