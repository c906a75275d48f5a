"""GraphQL object types: thin views over portal models; relations resolve through dataloaders."""
