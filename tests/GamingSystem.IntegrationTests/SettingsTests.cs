using GamingSystem.Contracts;
using GamingSystem.Contracts.Common.V1;
using GamingSystem.Contracts.EventBus.V1;
using GamingSystem.Contracts.Settings.V1;
using GamingSystem.ServiceDefaults.Events;
using GamingSystem.ServiceDefaults.Messaging;
using Google.Protobuf.WellKnownTypes;
using StackExchange.Redis;

namespace GamingSystem.IntegrationTests;

/// <summary>
/// The settings service over NATS, called as another service or the gateway would call it: through the SDK's client,
/// with the player in <see cref="CallOptions.PlayerId"/>. Each test uses players of its own, so tests never share state.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SettingsTests(SystemFixture system) : IAsyncLifetime
{
    private static readonly string ChangedSubject = EventContracts.SubjectOf(SettingsChanged.Descriptor)!;

    private static readonly string[] AllFields =
        ["graphics_preset", "master_volume", "music_volume", "sfx_volume", "language", "subtitles", "key_bindings"];

    private readonly string _player = NewPlayer();
    private BusClient _bus = null!;

    public async Task InitializeAsync() => _bus = await BusClient.StartAsync(system);

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    [Fact]
    public async Task A_new_player_gets_the_defaults_at_version_0_and_nothing_is_stored_for_them()
    {
        var settings = await GetAsync(_player);

        Assert.Equal(_player, settings.PlayerId);
        Assert.Equal(GraphicsPreset.Medium, settings.GraphicsPreset);
        Assert.Equal((80, 70, 80), (settings.MasterVolume, settings.MusicVolume, settings.SfxVolume));
        Assert.Equal("en", settings.Language);
        Assert.False(settings.Subtitles);
        Assert.Equal("W", settings.KeyBindings["move_forward"]);
        Assert.Equal("Space", settings.KeyBindings["jump"]);
        Assert.Equal("E", settings.KeyBindings["interact"]);
        Assert.Equal(0, settings.Version);
        Assert.Null(settings.UpdatedAt);
        Assert.False(await RedisAsync(db => db.KeyExistsAsync(StoreKey(_player))));
    }

    [Fact]
    public async Task Updating_one_field_changes_only_that_field_even_when_the_others_carry_values()
    {
        // Every other field carries a value, some of them invalid: only the masked one may be read, checked or stored.
        var sent = new PlayerSettings
        {
            GraphicsPreset = GraphicsPreset.Unspecified,
            MasterVolume = 40,
            MusicVolume = 500,
            SfxVolume = 1,
            Language = "xx",
            Subtitles = true,
        };
        var defaults = await GetAsync(_player);

        var updated = await UpdateAsync(_player, sent, ["master_volume"]);
        var read = await GetAsync(_player);

        var expected = defaults.Clone();
        expected.MasterVolume = 40;
        expected.Version = 1;
        expected.UpdatedAt = updated.UpdatedAt;
        Assert.Equal(expected, updated);
        Assert.Equal(expected, read);
        Assert.InRange(updated.UpdatedAt.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(await RedisAsync(db => db.KeyExistsAsync(StoreKey(_player))));
    }

    [Fact]
    public async Task Updates_accumulate_and_each_one_moves_the_version_on_by_one()
    {
        await UpdateAsync(_player, new PlayerSettings { Language = "de" }, ["language"]);
        await UpdateAsync(_player, new PlayerSettings { Subtitles = true, GraphicsPreset = GraphicsPreset.Ultra }, ["subtitles", "graphics_preset"]);
        var settings = await GetAsync(_player);

        Assert.Equal(("de", true, GraphicsPreset.Ultra), (settings.Language, settings.Subtitles, settings.GraphicsPreset));
        Assert.Equal(80, settings.MasterVolume);
        Assert.Equal(2, settings.Version);
    }

    [Fact]
    public async Task Key_bindings_are_replaced_as_a_whole_map()
    {
        var sent = new PlayerSettings { KeyBindings = { ["jump"] = "F", ["emote_wave"] = "\u00e9" } };

        var updated = await UpdateAsync(_player, sent, ["key_bindings"]);

        Assert.Equal(new Dictionary<string, string> { ["jump"] = "F", ["emote_wave"] = "\u00e9" }, updated.KeyBindings);
        Assert.Equal(updated.KeyBindings, (await GetAsync(_player)).KeyBindings);
    }

    [Fact]
    public async Task An_update_that_changes_no_value_stores_nothing_and_keeps_the_version()
    {
        await UpdateAsync(_player, new PlayerSettings { MasterVolume = 10 }, ["master_volume"]);

        var again = await UpdateAsync(_player, new PlayerSettings { MasterVolume = 10 }, ["master_volume"]);
        var toDefault = await UpdateAsync(_player, new PlayerSettings { MusicVolume = 70 }, ["music_volume"]);

        Assert.Equal(1, again.Version);
        Assert.Equal(1, toDefault.Version);
    }

    [Theory]
    [InlineData("master_volume above 100", "masterVolume")]
    [InlineData("music_volume below 0", "musicVolume")]
    [InlineData("sfx_volume above 100", "sfxVolume")]
    [InlineData("graphics_preset unspecified", "graphicsPreset")]
    [InlineData("graphics_preset unknown", "graphicsPreset")]
    [InlineData("language not offered", "language")]
    [InlineData("language in capitals", "language")]
    [InlineData("language empty", "language")]
    [InlineData("action with capitals", "keyBindings")]
    [InlineData("action with a trailing newline", "keyBindings")]
    [InlineData("action too long", "keyBindings")]
    [InlineData("key empty", "keyBindings")]
    [InlineData("key too long", "keyBindings")]
    [InlineData("key a control character", "keyBindings")]
    [InlineData("65 bindings", "keyBindings")]
    [InlineData("mask empty", "updateMask")]
    [InlineData("mask names no field", "updateMask")]
    [InlineData("mask names the version", "updateMask")]
    [InlineData("mask names the player", "updateMask")]
    [InlineData("mask names one binding", "updateMask")]
    [InlineData("mask in json case", "updateMask")]
    [InlineData("no settings", "settings")]
    [InlineData("expected version negative", "expectedVersion")]
    public async Task An_invalid_update_is_invalid_argument_naming_the_field_and_changes_nothing(string name, string field)
    {
        var error = await Assert.ThrowsAsync<ServiceException>(() => UpdateAsync(_player, InvalidUpdates[name]()));
        var after = await GetAsync(_player);

        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Equal(field, error.Error.Field);
        Assert.Equal(0, after.Version);
        Assert.Equal(80, after.MasterVolume);
    }

    [Fact]
    public async Task The_largest_valid_values_are_accepted()
    {
        var sent = new PlayerSettings { MasterVolume = 100, MusicVolume = 0, Language = "ja" };
        for (var i = 0; i < 64; i++)
        {
            // 32 characters each: "action_07" and 23 more.
            sent.KeyBindings[$"action_{i:D2}{new string('a', 23)}"] = new string('k', 32);
        }

        var updated = await UpdateAsync(_player, sent, ["master_volume", "music_volume", "language", "key_bindings"]);

        Assert.Equal((100, 0, "ja", 64), (updated.MasterVolume, updated.MusicVolume, updated.Language, updated.KeyBindings.Count));
    }

    [Fact]
    public async Task A_stale_expected_version_is_failed_precondition_with_the_current_version_and_changes_nothing()
    {
        var first = await UpdateAsync(_player, new PlayerSettings { MasterVolume = 10 }, ["master_volume"], expectedVersion: 0);

        var stale = await Assert.ThrowsAsync<ServiceException>(() =>
            UpdateAsync(_player, new PlayerSettings { MasterVolume = 20 }, ["master_volume"], expectedVersion: 0));
        var ahead = await Assert.ThrowsAsync<ServiceException>(() =>
            UpdateAsync(_player, new PlayerSettings { MasterVolume = 30 }, ["master_volume"], expectedVersion: 5));
        var current = await UpdateAsync(_player, new PlayerSettings { MasterVolume = 40 }, ["master_volume"], expectedVersion: 1);

        Assert.Equal(1, first.Version);
        Assert.Equal((ErrorCode.FailedPrecondition, "1"), (stale.Code, stale.Error.Details["current_version"]));
        Assert.Equal((ErrorCode.FailedPrecondition, "1"), (ahead.Code, ahead.Error.Details["current_version"]));
        Assert.Equal((40, 2L), (current.MasterVolume, current.Version));
    }

    [Fact]
    public async Task Of_concurrent_updates_from_one_version_exactly_one_wins()
    {
        var attempts = Enumerable.Range(1, 10).Select(async volume =>
        {
            try
            {
                return await UpdateAsync(_player, new PlayerSettings { MasterVolume = volume }, ["master_volume"], expectedVersion: 0);
            }
            catch (ServiceException ex) when (ex.Code == ErrorCode.FailedPrecondition)
            {
                return null;
            }
        }).ToArray();

        var results = await Task.WhenAll(attempts);
        var stored = await GetAsync(_player);

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(1, stored.Version);
        Assert.Equal(winner.MasterVolume, stored.MasterVolume);
    }

    [Fact]
    public async Task Concurrent_updates_of_different_fields_all_land()
    {
        var updates = new (PlayerSettings Settings, string Field)[]
        {
            (new PlayerSettings { GraphicsPreset = GraphicsPreset.Low }, "graphics_preset"),
            (new PlayerSettings { MasterVolume = 1 }, "master_volume"),
            (new PlayerSettings { MusicVolume = 2 }, "music_volume"),
            (new PlayerSettings { SfxVolume = 3 }, "sfx_volume"),
            (new PlayerSettings { Language = "ru" }, "language"),
            (new PlayerSettings { Subtitles = true }, "subtitles"),
            (new PlayerSettings { KeyBindings = { ["jump"] = "J" } }, "key_bindings"),
        };

        await Task.WhenAll(updates.Select(u => UpdateAsync(_player, u.Settings, [u.Field])));
        var stored = await GetAsync(_player);

        Assert.Equal((GraphicsPreset.Low, 1, 2, 3), (stored.GraphicsPreset, stored.MasterVolume, stored.MusicVolume, stored.SfxVolume));
        Assert.Equal(("ru", true, "J"), (stored.Language, stored.Subtitles, Assert.Single(stored.KeyBindings).Value));
        Assert.Equal(7, stored.Version);
    }

    [Fact]
    public async Task Reset_restores_the_defaults_at_a_later_version()
    {
        var defaults = await GetAsync(_player);
        await UpdateAsync(_player, new PlayerSettings { MasterVolume = 5, Language = "fr", KeyBindings = { ["jump"] = "J" } }, ["master_volume", "language", "key_bindings"]);
        await UpdateAsync(_player, new PlayerSettings { Subtitles = true }, ["subtitles"]);

        var reset = await ResetAsync(_player);
        var read = await GetAsync(_player);
        var next = await UpdateAsync(_player, new PlayerSettings { SfxVolume = 9 }, ["sfx_volume"], expectedVersion: 3);

        var expected = defaults.Clone();
        expected.Version = 3;
        expected.UpdatedAt = reset.UpdatedAt;
        Assert.Equal(expected, reset);
        Assert.Equal(expected, read);
        Assert.Equal(4, next.Version);
    }

    [Fact]
    public async Task Reset_of_a_player_who_never_changed_anything_still_moves_the_version_on()
    {
        var first = await ResetAsync(_player);
        var second = await ResetAsync(_player);

        Assert.Equal((1L, 2L), (first.Version, second.Version));
    }

    [Fact]
    public async Task Two_players_settings_are_kept_apart()
    {
        var other = NewPlayer();

        await UpdateAsync(_player, new PlayerSettings { MasterVolume = 11 }, ["master_volume"]);
        await UpdateAsync(other, new PlayerSettings { Language = "es" }, ["language"]);
        await ResetAsync(other);
        await UpdateAsync(other, new PlayerSettings { MasterVolume = 22 }, ["master_volume"]);
        var mine = await GetAsync(_player);
        var theirs = await GetAsync(other);

        Assert.Equal((_player, 11, "en", 1L), (mine.PlayerId, mine.MasterVolume, mine.Language, mine.Version));
        Assert.Equal((other, 22, "en", 3L), (theirs.PlayerId, theirs.MasterVolume, theirs.Language, theirs.Version));
    }

    [Fact]
    public async Task A_call_without_a_player_is_unauthenticated()
    {
        var get = await Assert.ThrowsAsync<ServiceException>(() => GetAsync(null));
        var update = await Assert.ThrowsAsync<ServiceException>(() => UpdateAsync(null, new PlayerSettings { MasterVolume = 1 }, ["master_volume"]));
        var reset = await Assert.ThrowsAsync<ServiceException>(() => ResetAsync(null));

        Assert.All(new[] { get, update, reset }, e => Assert.Equal(ErrorCode.Unauthenticated, e.Code));
        Assert.Contains("player", get.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_change_publishes_settings_changed_once_with_the_changed_fields_and_a_player_version_key()
    {
        var start = await TailAsync();

        await UpdateAsync(_player, new PlayerSettings { MasterVolume = 33, MusicVolume = 70 }, ["master_volume", "music_volume"]);
        await UpdateAsync(_player, new PlayerSettings { MasterVolume = 33 }, ["master_volume"]);
        await Assert.ThrowsAsync<ServiceException>(() => UpdateAsync(_player, new PlayerSettings { MasterVolume = 44 }, ["master_volume"], expectedVersion: 0));
        await ResetAsync(_player);

        var mine = await WaitForEventsAsync(start, 2);
        Assert.Equal(2, mine.Count);
        var (updated, reset) = (SettingsChanged.Parser.ParseFrom(mine[0].Payload), SettingsChanged.Parser.ParseFrom(mine[1].Payload));
        // music_volume was sent at its current value: it is in the mask but did not change.
        Assert.Equal(["master_volume"], updated.ChangedFields);
        Assert.Equal((33, 1L), (updated.Settings.MasterVolume, updated.Settings.Version));
        Assert.Equal($"settings:{_player}:1", mine[0].Headers[EventHeaders.MessageId]);
        Assert.Equal(AllFields, reset.ChangedFields);
        Assert.Equal((80, 2L), (reset.Settings.MasterVolume, reset.Settings.Version));
        Assert.Equal($"settings:{_player}:2", mine[1].Headers[EventHeaders.MessageId]);
        Assert.All(mine, e => Assert.Equal(SettingsChanged.Descriptor.FullName, e.Type));
    }

    private static readonly Dictionary<string, Func<UpdateSettingsRequest>> InvalidUpdates = new()
    {
        ["master_volume above 100"] = () => Update(new PlayerSettings { MasterVolume = 101 }, "master_volume"),
        ["music_volume below 0"] = () => Update(new PlayerSettings { MusicVolume = -1 }, "music_volume"),
        // A valid field beside the bad one: the whole update is refused, not the part that was fine.
        ["sfx_volume above 100"] = () => Update(new PlayerSettings { MasterVolume = 50, SfxVolume = 1000 }, "master_volume", "sfx_volume"),
        ["graphics_preset unspecified"] = () => Update(new PlayerSettings { GraphicsPreset = GraphicsPreset.Unspecified }, "graphics_preset"),
        ["graphics_preset unknown"] = () => Update(new PlayerSettings { GraphicsPreset = (GraphicsPreset)99 }, "graphics_preset"),
        ["language not offered"] = () => Update(new PlayerSettings { Language = "pt" }, "language"),
        ["language in capitals"] = () => Update(new PlayerSettings { Language = "EN" }, "language"),
        ["language empty"] = () => Update(new PlayerSettings(), "language"),
        ["action with capitals"] = () => Update(new PlayerSettings { KeyBindings = { ["Jump"] = "Space" } }, "key_bindings"),
        ["action with a trailing newline"] = () => Update(new PlayerSettings { KeyBindings = { ["jump\n"] = "Space" } }, "key_bindings"),
        ["action too long"] = () => Update(new PlayerSettings { KeyBindings = { [new string('a', 33)] = "Space" } }, "key_bindings"),
        ["key empty"] = () => Update(new PlayerSettings { KeyBindings = { ["jump"] = "" } }, "key_bindings"),
        ["key too long"] = () => Update(new PlayerSettings { KeyBindings = { ["jump"] = new string('k', 33) } }, "key_bindings"),
        ["key a control character"] = () => Update(new PlayerSettings { KeyBindings = { ["jump"] = "\u001b" } }, "key_bindings"),
        ["65 bindings"] = () => Update(new PlayerSettings { KeyBindings = { Enumerable.Range(0, 65).ToDictionary(i => $"action_{i}", _ => "K") } }, "key_bindings"),
        ["mask empty"] = () => Update(new PlayerSettings { MasterVolume = 10 }),
        ["mask names no field"] = () => Update(new PlayerSettings { MasterVolume = 10 }, "master_volume", "volume"),
        ["mask names the version"] = () => Update(new PlayerSettings { Version = 7 }, "version"),
        ["mask names the player"] = () => Update(new PlayerSettings { PlayerId = "someone-else" }, "player_id"),
        ["mask names one binding"] = () => Update(new PlayerSettings { KeyBindings = { ["jump"] = "J" } }, "key_bindings.jump"),
        ["mask in json case"] = () => Update(new PlayerSettings { MasterVolume = 10 }, "masterVolume"),
        ["no settings"] = () => new UpdateSettingsRequest { UpdateMask = new FieldMask { Paths = { "master_volume" } } },
        ["expected version negative"] = () => Expecting(-1, Update(new PlayerSettings { MasterVolume = 10 }, "master_volume")),
    };

    private static string NewPlayer() => "it-settings-" + Guid.NewGuid().ToString("N");

    private static RedisKey StoreKey(string player) => $"{{settings}}:player:{player}";

    private static UpdateSettingsRequest Update(PlayerSettings settings, params string[] paths) =>
        new() { Settings = settings, UpdateMask = new FieldMask { Paths = { paths } } };

    private static UpdateSettingsRequest Expecting(long version, UpdateSettingsRequest request)
    {
        request.ExpectedVersion = version;
        return request;
    }

    private static Google.Protobuf.Reflection.MethodDescriptor Method(string name) => ContractRegistry.Settings.FindMethodByName(name);

    private static CallOptions As(string? player) => new() { PlayerId = player };

    private Task<PlayerSettings> GetAsync(string? player) =>
        _bus.Services.RequestAsync<PlayerSettings>(Method("Get"), new GetSettingsRequest(), As(player));

    private Task<PlayerSettings> UpdateAsync(string? player, PlayerSettings settings, string[] paths, long? expectedVersion = null)
    {
        var request = Update(settings, paths);
        return UpdateAsync(player, expectedVersion is { } expected ? Expecting(expected, request) : request);
    }

    private Task<PlayerSettings> UpdateAsync(string? player, UpdateSettingsRequest request) =>
        _bus.Services.RequestAsync<PlayerSettings>(Method("Update"), request, As(player));

    private Task<PlayerSettings> ResetAsync(string? player) =>
        _bus.Services.RequestAsync<PlayerSettings>(Method("Reset"), new ResetSettingsRequest(), As(player));

    private async Task<T> RedisAsync<T>(Func<IDatabase, Task<T>> read)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync((await system.App.GetConnectionStringAsync(ResourceNames.Redis))!);
        return await read(redis.GetDatabase());
    }

    private Task<ReplayResponse> ReplayAsync(ulong from) =>
        _bus.Services.RequestAsync<ReplayResponse>(
            ContractRegistry.EventBus.FindMethodByName("Replay"), new ReplayRequest { SubjectFilter = ChangedSubject, FromSequence = from, Limit = 1000 });

    /// <summary>The sequence after the last stored settings event, so a test reads only what it caused.</summary>
    private async Task<ulong> TailAsync()
    {
        ulong next = 1;
        while (true)
        {
            var page = await ReplayAsync(next);
            if (page.Events.Count > 0)
            {
                next = page.Events[^1].Sequence + 1;
            }

            if (page.NextSequence == 0)
            {
                return next;
            }
        }
    }

    /// <summary>
    /// This player's events from <paramref name="from"/>, once at least <paramref name="count"/> are stored. A change's
    /// event is published before its reply, so one that is missing when the calls have returned is not coming.
    /// </summary>
    private async Task<IReadOnlyList<StoredEvent>> WaitForEventsAsync(ulong from, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var mine = new List<StoredEvent>();
            for (var next = from; next != 0;)
            {
                var page = await ReplayAsync(next);
                mine.AddRange(page.Events.Where(e => SettingsChanged.Parser.ParseFrom(e.Payload).PlayerId == _player));
                next = page.NextSequence;
            }

            if (mine.Count >= count)
            {
                return mine;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {count} settings events of {_player}; saw {mine.Count}.");
            await Task.Delay(50);
        }
    }
}
