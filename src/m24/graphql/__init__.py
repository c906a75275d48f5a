"""The GraphQL gateway (Strawberry): one schema over funding, specialists, training and datasets."""
