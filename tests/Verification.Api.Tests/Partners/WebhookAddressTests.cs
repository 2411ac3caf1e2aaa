using System.Net;
using Verification.Api.Infrastructure.Http;

namespace Verification.Api.Tests.Partners;

/// <summary>The address classes behind the webhook URL rules: pure, so every boundary of every range is checked.</summary>
public sealed class WebhookAddressTests
{
    [Theory]
    [InlineData("169.254.169.254", AddressClass.LinkLocal)]
    [InlineData("169.254.0.1", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf::1", AddressClass.LinkLocal)]
    [InlineData("::ffff:169.254.169.254", AddressClass.LinkLocal)]
    [InlineData("127.0.0.1", AddressClass.LoopbackOrPrivate)]
    [InlineData("127.255.255.254", AddressClass.LoopbackOrPrivate)]
    [InlineData("::1", AddressClass.LoopbackOrPrivate)]
    [InlineData("10.0.0.1", AddressClass.LoopbackOrPrivate)]
    [InlineData("172.16.0.1", AddressClass.LoopbackOrPrivate)]
    [InlineData("172.31.255.255", AddressClass.LoopbackOrPrivate)]
    [InlineData("192.168.1.1", AddressClass.LoopbackOrPrivate)]
    [InlineData("100.64.0.1", AddressClass.LoopbackOrPrivate)]
    [InlineData("fd12:3456::1", AddressClass.LoopbackOrPrivate)]
    [InlineData("::ffff:10.1.2.3", AddressClass.LoopbackOrPrivate)]
    [InlineData("0.0.0.0", AddressClass.Unusable)]
    [InlineData("::", AddressClass.Unusable)]
    [InlineData("224.0.0.1", AddressClass.Unusable)]
    [InlineData("255.255.255.255", AddressClass.Unusable)]
    [InlineData("ff02::1", AddressClass.Unusable)]
    [InlineData("64:ff9b::a9fe:a9fe", AddressClass.Unusable)]
    [InlineData("2002:a9fe:a9fe::1", AddressClass.Unusable)]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("169.255.0.1", AddressClass.Public)]
    [InlineData("203.0.113.10", AddressClass.Public)]
    [InlineData("2001:db8::1", AddressClass.Public)]
    public void Addresses_fall_in_the_class_of_their_range(string address, AddressClass expected) =>
        Assert.Equal(expected, AddressRanges.Classify(IPAddress.Parse(address)));
}
