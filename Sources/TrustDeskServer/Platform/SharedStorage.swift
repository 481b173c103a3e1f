import Vapor

extension Application {
    /// This application's one value under `key`, made by `make` the first time it is asked for.
    /// Storage is not synchronised: Configure.swift asks for each such value before the first
    /// request, so no two requests race to make one.
    func shared<Key: StorageKey>(_ key: Key.Type, make: () -> Key.Value) -> Key.Value {
        if let value = storage[key] { return value }
        let value = make()
        storage[key] = value
        return value
    }
}
