using GamingSystem.Contracts;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace GamingSystem.ServiceDefaults.Tests;

public sealed class ServiceSubjectsTests
{
    [Theory]
    [InlineData("Get", "get")]
    [InlineData("GenerateQuest", "generate_quest")]
    [InlineData("StreamGenerate", "stream_generate")]
    [InlineData("GetHTTPStats", "get_http_stats")]
    [InlineData("ListV2Items", "list_v2_items")]
    [InlineData("already_snake", "already_snake")]
    public void Method_names_become_snake_case(string name, string expected) =>
        Assert.Equal(expected, ServiceSubjects.ToSnakeCase(name));

    [Fact]
    public void Subjects_come_from_the_package_and_method()
    {
        var service = ContractRegistry.StateManager;

        Assert.Equal("state_manager", ServiceSubjects.ServiceName(service));
        Assert.Equal("svc-state_manager-workers", ServiceSubjects.QueueGroup(service));
        Assert.Equal("svc.state_manager.v1.>", ServiceSubjects.Wildcard(service));
        Assert.Equal(
            ["svc.state_manager.v1.get", "svc.state_manager.v1.put", "svc.state_manager.v1.delete", "svc.state_manager.v1.list"],
            service.Methods.Select(ServiceSubjects.For));
    }

    [Fact]
    public void A_package_outside_the_naming_scheme_is_refused_with_the_rule()
    {
        // google.protobuf.* carries no service, so build one with a foreign package from a descriptor set.
        var file = FileDescriptor.BuildFromByteStrings([new Google.Protobuf.Reflection.FileDescriptorProto
        {
            Name = "foreign.proto",
            Package = "acme.orders",
            MessageType = { new DescriptorProto { Name = "Ping" } },
            Service = { new ServiceDescriptorProto { Name = "Orders", Method = { new MethodDescriptorProto { Name = "Ping", InputType = ".acme.orders.Ping", OutputType = ".acme.orders.Ping" } } } },
        }.ToByteString()])[0];

        var error = Assert.Throws<InvalidOperationException>(() => ServiceSubjects.For(file.Services[0].Methods[0]));
        Assert.Contains("gaming.<service>.v<N>", error.Message);
        Assert.Contains("acme.orders", error.Message);
    }

    [Fact]
    public void Idempotency_comes_from_the_proto_option()
    {
        var service = ContractRegistry.StateManager;

        Assert.True(NatsServiceHost.IsIdempotent(service.FindMethodByName("Get")));
        Assert.True(NatsServiceHost.IsIdempotent(service.FindMethodByName("List")));
        Assert.False(NatsServiceHost.IsIdempotent(service.FindMethodByName("Put")));
    }
}
