// Types of the fixture the result-packages test imports in its own thread.
export declare function loadedPackages(): string[];
